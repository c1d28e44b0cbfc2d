package org.camelopencode.server;

import java.net.URI;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A server this JVM did not start ({@code opencode.server.urls}): watched through its health, never started,
 * restarted or stopped.
 *
 * @param baseUri  its base URL without user info
 * @param username Basic-auth user
 * @param password Basic-auth password, or null
 * @param version  the version its last health answer reported, or empty
 */
public record ExternalServer(URI baseUri, String username, String password, String version) implements RunningServer {

    /** Requires the URL and the user name. */
    public ExternalServer {
        Objects.requireNonNull(baseUri, "baseUri");
        Objects.requireNonNull(username, "username");
        version = version == null ? "" : version;
    }

    @Override
    public long pid() {
        return -1;
    }

    @Override
    public boolean isAlive() {
        return true;
    }

    @Override
    public CompletableFuture<Integer> onExit() {
        return new CompletableFuture<>();
    }

    @Override
    public void close() {
        // not ours to stop
    }

    /** Never shows the password. */
    @Override
    public String toString() {
        return "ExternalServer[" + baseUri + ", user=" + username + ", version=" + version + "]";
    }
}
