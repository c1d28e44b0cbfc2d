package org.camelopencode.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.nio.charset.StandardCharsets;

/**
 * Reads {@code GET /global/health} ({@code {"healthy":true,"version":"1.18.33"}}) with HTTP Basic auth when the
 * server has a password. Thread-safe.
 */
public final class HttpHealthProbe implements HealthProbe {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int BODY_LIMIT = 200;

    private final HttpClient client;
    private final Duration timeout;

    /** @param timeout connect and answer timeout of one check */
    public HttpHealthProbe(Duration timeout) {
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1) // opencode serve speaks HTTP/1.1 only
                .connectTimeout(timeout).build();
    }

    @Override
    public HealthAnswer check(RunningServer server) {
        return check(server.baseUri(), server.username(), server.password());
    }

    /**
     * @param baseUri  the server's base URL
     * @param username Basic-auth user
     * @param password Basic-auth password, or null for none
     * @return the answer; an unreachable server, a non-200 answer or a malformed body is unhealthy with the reason
     * @throws IllegalStateException never; interruption is reported as unhealthy with the interrupt flag kept
     */
    public HealthAnswer check(URI baseUri, String username, String password) {
        HttpRequest.Builder request = HttpRequest.newBuilder(baseUri.resolve("/global/health")).timeout(timeout).GET();
        if (password != null) {
            request.header("Authorization", basicAuthorization(username, password));
        }
        try {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return HealthAnswer.unhealthy("GET /global/health answered " + response.statusCode() + ": " + abbreviate(response.body()));
            }
            JsonNode health = MAPPER.readTree(response.body());
            return health.path("healthy").asBoolean(false) ? HealthAnswer.healthy(health.path("version").asText(""))
                    : HealthAnswer.unhealthy("GET /global/health answered " + abbreviate(response.body()));
        } catch (IOException failure) {
            return HealthAnswer.unhealthy("GET /global/health failed: " + failure);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return HealthAnswer.unhealthy("interrupted while asking GET /global/health");
        }
    }

    static String basicAuthorization(String username, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static String abbreviate(String text) {
        return text.length() <= BODY_LIMIT ? text : text.substring(0, BODY_LIMIT) + "...";
    }
}
