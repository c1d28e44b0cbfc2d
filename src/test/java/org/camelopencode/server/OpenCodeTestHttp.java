package org.camelopencode.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A few plain JDK HTTP calls to a managed server (tests must not depend on the client package). */
final class OpenCodeTestHttp {

    static final ObjectMapper MAPPER = new ObjectMapper();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build(); // h2c upgrade on a POST hangs opencode serve
    private final ManagedOpenCodeServer server;

    OpenCodeTestHttp(ManagedOpenCodeServer server) {
        this.server = server;
    }

    HttpResponse<String> get(String path, boolean authenticated) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.baseUri().resolve(path)).timeout(Duration.ofSeconds(30)).GET();
        if (authenticated) {
            request.header("Authorization", server.authorizationHeader());
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode getJson(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = get(path, true);
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return MAPPER.readTree(response.body());
    }

    HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(server.baseUri().resolve(path)).timeout(Duration.ofSeconds(90))
                .header("Authorization", server.authorizationHeader())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    JsonNode postJson(String path, String json) throws IOException, InterruptedException {
        HttpResponse<String> response = post(path, json);
        if (response.statusCode() != 200) {
            throw new IllegalStateException("POST " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return MAPPER.readTree(response.body());
    }

    /** {@code POST /session} without a title, so OpenCode also makes its title call. */
    String createSession() throws IOException, InterruptedException {
        return postJson("/session", "{}").path("id").asText();
    }

    /** Sync prompt: {@code POST /session/{id}/message}, blocks until the turn ends. */
    JsonNode prompt(String sessionId, String text) throws IOException, InterruptedException {
        return postJson("/session/" + sessionId + "/message", promptBody(text));
    }

    /** {@code POST /session/{id}/prompt_async}, answers 204 at once. */
    int promptAsync(String sessionId, String text) throws IOException, InterruptedException {
        return post("/session/" + sessionId + "/prompt_async", promptBody(text)).statusCode();
    }

    static String promptBody(String text) {
        var body = MAPPER.createObjectNode();
        body.putArray("parts").addObject().put("type", "text").put("text", text);
        return body.toString();
    }

    /** Joined text of the {@code text} parts of a {@code {info, parts}} message. */
    static String text(JsonNode message) {
        StringBuilder text = new StringBuilder();
        message.path("parts").forEach(part -> {
            if (part.path("type").asText().equals("text")) {
                text.append(part.path("text").asText());
            }
        });
        return text.toString();
    }
}
