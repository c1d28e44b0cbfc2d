package org.camelopencode.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * Where an {@code opencode serve} server listens and how to authenticate to it.
 *
 * <p>The server requires HTTP Basic auth on every route when it was started with
 * {@code OPENCODE_SERVER_PASSWORD}; the user name defaults to {@code opencode}.
 * {@link #toString()} never shows the password.
 *
 * @param baseUri  base URI such as {@code http://127.0.0.1:4096}, without a trailing slash and without user-info
 * @param username Basic auth user name, never blank
 * @param password Basic auth password, or {@code null} for a server without auth
 */
public record ServerEndpoint(URI baseUri, String username, String password) {

    /** User name OpenCode uses when {@code OPENCODE_SERVER_USERNAME} is not set. */
    public static final String DEFAULT_USERNAME = "opencode";

    /**
     * Validates the parts.
     *
     * @throws IllegalArgumentException when the URI is not absolute http(s) or carries user-info (the message never echoes it)
     */
    public ServerEndpoint {
        Objects.requireNonNull(baseUri, "baseUri");
        if (baseUri.getRawUserInfo() != null) {
            throw new IllegalArgumentException(
                    "Server URL must not contain user-info (credentials); pass username and password separately");
        }
        String scheme = baseUri.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                || baseUri.getHost() == null) {
            throw new IllegalArgumentException("Server URL must be an absolute http(s) URL with a host: " + baseUri);
        }
        baseUri = stripTrailingSlash(baseUri);
        username = username == null || username.isBlank() ? DEFAULT_USERNAME : username;
        password = password == null || password.isEmpty() ? null : password;
    }

    /**
     * Builds an endpoint from text.
     *
     * @param url      server URL, e.g. {@code http://127.0.0.1:4096}
     * @param username user name; blank or {@code null} means {@value #DEFAULT_USERNAME}
     * @param password password; {@code null} or empty means no authentication
     * @return the endpoint
     * @throws IllegalArgumentException when the URL is blank, malformed, not http(s) or contains user-info
     */
    public static ServerEndpoint of(String url, String username, String password) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("Server URL is blank");
        }
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            // The input may contain credentials: do not echo it.
            throw new IllegalArgumentException("Server URL is malformed (" + e.getReason() + ")");
        }
        return new ServerEndpoint(uri, username, password);
    }

    /** @return true when requests carry HTTP Basic auth */
    public boolean hasPassword() {
        return password != null;
    }

    /** @return the {@code Authorization: Basic ...} header value, empty when no password is set */
    public Optional<String> authorizationHeader() {
        if (password == null) {
            return Optional.empty();
        }
        String token = Base64.getEncoder()
                .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
        return Optional.of("Basic " + token);
    }

    /**
     * Resolves a path against the base URI.
     *
     * @param pathAndQuery path starting with {@code /}, already encoded, optionally with a query
     * @return the absolute URI
     */
    public URI resolve(String pathAndQuery) {
        return URI.create(baseUri.toString() + pathAndQuery);
    }

    /** @return the port of the base URI, or the scheme's default port */
    public int port() {
        if (baseUri.getPort() >= 0) {
            return baseUri.getPort();
        }
        return "https".equalsIgnoreCase(baseUri.getScheme()) ? 443 : 80;
    }

    @Override
    public String toString() {
        return "ServerEndpoint[" + baseUri + ", username=" + username + ", password=" + (hasPassword() ? "***" : "none") + "]";
    }

    private static URI stripTrailingSlash(URI uri) {
        String text = uri.toString();
        while (text.endsWith("/")) {
            text = text.substring(0, text.length() - 1);
        }
        return URI.create(text);
    }
}
