package org.camelopencode.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.camelopencode.testkit.RecordedRequest;
import org.camelopencode.testkit.Reply;
import org.camelopencode.testkit.RequestMatcher;
import org.camelopencode.testkit.ScriptedModelServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Runs the real {@code opencode serve} (pinned 1.18.33) against the scripted model; one server for the class. */
class ManagedOpenCodeServerTest {

    private static ScriptedModelServer model;
    private static ManagedOpenCodeServer server;
    private static OpenCodeTestHttp http;

    @BeforeAll
    static void startServers() {
        model = ScriptedModelServer.start();
        OpenCodeConfig config = new OpenCodeConfig()
                .scriptedProvider("scripted", model.baseUri(), "echo", "fallback")
                .model("scripted/echo")
                .smallModel("scripted/echo")
                .permission("bash", "ask");
        server = ManagedOpenCodeServer.start(ManagedServerOptions.builder()
                .binary(OpenCodeBinary.locate(System.getProperty(OpenCodeBinary.PROPERTY)))
                .config(config)
                .startTimeout(Duration.ofSeconds(60))
                .build());
        http = new OpenCodeTestHttp(server);
    }

    @AfterAll
    static void stopServers() {
        if (server != null) {
            server.close();
        }
        if (model != null) {
            model.close();
        }
    }

    @Test
    void answersHealthWithThePinnedVersionOnlyWithBasicAuth() throws Exception {
        JsonNode health = http.getJson("/global/health");

        assertThat(health.path("healthy").asBoolean()).isTrue();
        assertThat(health.path("version").asText()).isEqualTo("1.18.33");
        assertThat(server.version()).isEqualTo("1.18.33");
        assertThat(server.isAlive()).isTrue();
        assertThat(server.baseUri().getHost()).isEqualTo("127.0.0.1");
        assertThat(http.get("/global/health", false).statusCode()).isEqualTo(401);
        assertThat(server.toString()).doesNotContain(server.password());
    }

    @Test
    void syncPromptReturnsTheScriptedTextAndTheTitleCallIsAnsweredAutomatically() throws Exception {
        model.when(RequestMatcher.promptContains("T-TEXT")).reply(Reply.text("scripted text reply"));
        String sessionId = http.createSession();

        JsonNode message = http.prompt(sessionId, "T-TEXT please answer");

        assertThat(message.path("info").path("role").asText()).isEqualTo("assistant");
        assertThat(message.path("info").path("finish").asText()).isEqualTo("stop");
        assertThat(message.path("info").path("tokens").path("output").asInt()).isPositive();
        assertThat(OpenCodeTestHttp.text(message)).isEqualTo("scripted text reply");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(requestsFor("T-TEXT"))
                .extracting(RecordedRequest::titleRequest).containsExactlyInAnyOrder(true, false));
        RecordedRequest title = requestsFor("T-TEXT").stream().filter(RecordedRequest::titleRequest).findFirst().orElseThrow();
        assertThat(title.toolsPresent()).isFalse();
        assertThat(title.systemPrompt()).startsWith("You are a title generator");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(http.getJson("/session/" + sessionId).path("title").asText()).isEqualTo("T-TEXT please answer"));
    }

    @Test
    void jsonAndFencedJsonRepliesArriveVerbatim() throws Exception {
        String json = "{\"answer\": 42, \"items\": [\"a\", \"b\"]}";
        model.when(RequestMatcher.promptContains("T-JSON-PLAIN")).reply(Reply.json(json));
        model.when(RequestMatcher.promptContains("T-JSON-FENCED")).reply(Reply.fencedJson(json, "Result:", "Done."));

        String plain = OpenCodeTestHttp.text(http.prompt(http.createSession(), "T-JSON-PLAIN"));
        String fenced = OpenCodeTestHttp.text(http.prompt(http.createSession(), "T-JSON-FENCED"));

        assertThat(plain).isEqualTo(json);
        assertThat(fenced).isEqualTo("Result:\n\n```json\n" + json + "\n```\n\nDone.");
    }

    @Test
    void bashToolCallUnderAskRaisesAPermissionRequest() throws Exception {
        model.when(RequestMatcher.promptContains("T-BASH")).reply(Reply.toolCall("bash", "{\"command\":\"echo scripted\"}"), Reply.text("done"));
        String sessionId = http.createSession();

        assertThat(http.promptAsync(sessionId, "T-BASH run it")).isEqualTo(204);

        AtomicReference<JsonNode> request = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            request.set(findFor(http.getJson("/permission"), sessionId));
            assertThat(request.get()).isNotNull();
        });
        assertThat(request.get().path("permission").asText()).isEqualTo("bash");
        assertThat(request.get().path("patterns").get(0).asText()).isEqualTo("echo scripted");
        assertThat(request.get().path("metadata").path("command").asText()).isEqualTo("echo scripted");
        assertThat(http.getJson("/session/status").path(sessionId).path("type").asText()).isEqualTo("busy");

        assertThat(http.postJson("/session/" + sessionId + "/abort", "{}").asBoolean()).isTrue();
        await().atMost(Duration.ofSeconds(20)).until(() -> !http.getJson("/session/status").has(sessionId));
    }

    @Test
    void questionToolCallIsListedAsAPendingQuestion() throws Exception {
        String arguments = "{\"questions\":[{\"question\":\"Which colour?\",\"header\":\"Colour\","
                + "\"options\":[{\"label\":\"Red\",\"description\":\"warm\"},{\"label\":\"Blue\",\"description\":\"cool\"}]}]}";
        model.when(RequestMatcher.promptContains("T-QUESTION")).reply(Reply.toolCall("question", arguments), Reply.text("thanks"));
        String sessionId = http.createSession();

        assertThat(http.promptAsync(sessionId, "T-QUESTION ask me")).isEqualTo(204);

        AtomicReference<JsonNode> request = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            request.set(findFor(http.getJson("/question"), sessionId));
            assertThat(request.get()).isNotNull();
        });
        JsonNode question = request.get().path("questions").get(0);
        assertThat(question.path("question").asText()).isEqualTo("Which colour?");
        assertThat(question.path("options").findValuesAsText("label")).containsExactly("Red", "Blue");

        assertThat(http.postJson("/session/" + sessionId + "/abort", "{}").asBoolean()).isTrue();
        await().atMost(Duration.ofSeconds(20)).until(() -> !http.getJson("/session/status").has(sessionId));
    }

    @Test
    void rateLimitEndsAsApiError429AfterOpenCodesRetries() throws Exception {
        model.when(RequestMatcher.promptContains("T-429")).reply(Reply.rateLimited(Duration.ofMillis(200)));

        JsonNode message = http.prompt(http.createSession(), "T-429 please");

        JsonNode error = message.path("info").path("error");
        assertThat(error.path("name").asText()).isEqualTo("APIError");
        assertThat(error.path("data").path("statusCode").asInt()).isEqualTo(429);
        assertThat(error.path("data").path("isRetryable").asBoolean()).isTrue();
        assertThat(requestsFor("T-429").stream().filter(request -> !request.titleRequest()).count())
                .as("first try + OpenCode retries").isEqualTo(6);
    }

    private static List<RecordedRequest> requestsFor(String marker) {
        List<RecordedRequest> matching = new ArrayList<>();
        for (RecordedRequest request : model.requests()) {
            if (request.latestUserText().contains(marker)) {
                matching.add(request);
            }
        }
        return matching;
    }

    private static JsonNode findFor(JsonNode pending, String sessionId) {
        for (JsonNode request : pending) {
            if (request.path("sessionID").asText().equals(sessionId)) {
                return request;
            }
        }
        return null;
    }

}
