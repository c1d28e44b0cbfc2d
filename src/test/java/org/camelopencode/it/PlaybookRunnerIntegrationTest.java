package org.camelopencode.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.main.Main;
import org.camelopencode.client.OpenCodeClient;
import org.camelopencode.testkit.Reply;
import org.camelopencode.testkit.RequestMatcher;
import org.camelopencode.testkit.ScriptedModelServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The shipped playbook ({@code routes/playbook.yaml} with {@code routes/file-drop.yaml}) against a real OpenCode server
 * and the scripted model, which answers per prompt marker and per model id: failures that recover on a retry, on a
 * new session after a timeout, on the fallback model after 429 and 503, a 401 that goes straight to the dead letter,
 * and a dead letter re-driven once the model recovered. Delays are shortened through the retry properties.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlaybookRunnerIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FALLBACK = "scripted/fallback";

    private Path inbox;
    private Path outbox;
    private Path deadLetter;
    private SharedOpenCode openCode;
    private Main runner;

    @BeforeAll
    void startRunner() throws Exception {
        openCode = SharedOpenCode.get();
        ScriptedModelServer model = openCode.model();
        model.when(RequestMatcher.promptContains("P-EMPTY")).reply(Reply.empty(), Reply.text("Second time lucky."));
        model.when(RequestMatcher.promptContains("P-HANG")).reply(Reply.hang(), Reply.text("Awake now."));
        model.when(RequestMatcher.promptContains("P-RATE").and(RequestMatcher.model("echo")))
                .reply(Reply.rateLimited(Duration.ZERO));
        model.when(RequestMatcher.promptContains("P-RATE").and(RequestMatcher.model("fallback")))
                .reply(Reply.text("Fallback answered the rate limit."));
        // retry-after-ms 0: OpenCode's own retry loop (2, 4, 8, 16, 32 s without the header) ends at once.
        model.when(RequestMatcher.promptContains("P-DOWN").and(RequestMatcher.model("echo")))
                .reply(Reply.httpError(503, Map.of("retry-after-ms", "0"),
                        "{\"error\":{\"message\":\"The server is temporarily unavailable\",\"type\":\"server_error\"}}"));
        model.when(RequestMatcher.promptContains("P-DOWN").and(RequestMatcher.model("fallback")))
                .reply(Reply.text("Fallback answered the outage."));
        model.when(RequestMatcher.promptContains("P-AUTH")).reply(Reply.unauthorized());
        model.when(RequestMatcher.promptContains("P-REDRIVE")).reply(Reply.unauthorized(), Reply.text("Recovered."));

        Path work = Files.createTempDirectory("playbook-it-");
        inbox = Files.createDirectories(work.resolve("inbox"));
        outbox = work.resolve("outbox");
        deadLetter = work.resolve("dead-letter");
        write("empty-then-text.txt", "P-EMPTY Say something.\n");
        write("hang-then-text.md", "---\ntimeout: 3\n---\nP-HANG Wake up.\n");
        write("rate.txt", "P-RATE Anything.\n");
        write("down.txt", "P-DOWN Anything.\n");
        write("auth.txt", "P-AUTH Anything.\n");
        write("redrive.md", "---\ntitle: redrive\n---\nP-REDRIVE Anything.\n");

        runner = openCode.newRunner(work);
        runner.addOverrideProperty("opencode.timeout", "PT60S");
        runner.addOverrideProperty("opencode.fallback-models", FALLBACK);
        runner.addOverrideProperty("opencode.retry.delay", "50");
        runner.addOverrideProperty("opencode.retry.backoff.delay", "50");
        runner.start();
    }

    @AfterAll
    void stopRunner() {
        if (runner != null) {
            runner.stop();
        }
    }

    private void write(String name, String content) throws IOException {
        Files.writeString(inbox.resolve(name), content, StandardCharsets.UTF_8);
    }

    private static JsonNode awaitRecord(Path file) {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> Files.exists(file));
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException unreadable) {
            throw new AssertionError(file + " is not JSON", unreadable);
        }
    }

    private static List<String> outcomes(JsonNode record) {
        List<String> outcomes = new ArrayList<>();
        record.get("attempts").forEach(attempt -> outcomes.add(attempt.get("outcome").asText()));
        return outcomes;
    }

    private static List<String> field(JsonNode record, String name) {
        List<String> values = new ArrayList<>();
        record.get("attempts").forEach(attempt -> values.add(attempt.get(name).asText()));
        return values;
    }

    /** Reads {@code GET /session/{id}} for its title. */
    private String sessionTitle(String sessionId) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(openCode.server().baseUri().resolve("/session/" + sessionId))
                .header("Authorization", openCode.server().authorizationHeader()).GET().build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return JSON.readTree(response.body()).get("title").asText();
    }

    @Test
    void emptyThenTextSucceedsOnTheSecondAttemptInANewSession() throws Exception {
        JsonNode record = awaitRecord(outbox.resolve("empty-then-text.result.json"));

        assertThat(record.get("text").asText()).isEqualTo("Second time lucky.");
        assertThat(outcomes(record)).containsExactly("assistant_output_missing_text_part", "completed");
        assertThat(field(record, "attempt")).containsExactly("1", "2");
        List<String> sessions = field(record, "sessionId");
        assertThat(sessions).doesNotHaveDuplicates().last().isEqualTo(record.get("sessionId").asText());
        assertThat(sessionTitle(sessions.get(0))).contains("empty-then-text").contains("attempt 1");
        assertThat(sessionTitle(sessions.get(1))).contains("empty-then-text").contains("attempt 2");
    }

    @Test
    void aHangTimesOutIsAbortedAndSucceedsInANewSession() {
        JsonNode record = awaitRecord(outbox.resolve("hang-then-text.result.json"));

        assertThat(record.get("text").asText()).isEqualTo("Awake now.");
        assertThat(outcomes(record)).containsExactly("timeout", "completed");
        JsonNode timedOut = record.get("attempts").get(0);
        assertThat(timedOut.get("error").asText()).contains("PT3S");
        assertThat(timedOut.get("durationMs").asLong()).isGreaterThanOrEqualTo(3000);
        String firstSession = timedOut.get("sessionId").asText();
        assertThat(firstSession).isNotEqualTo(record.get("sessionId").asText());
        try (OpenCodeClient client = openCode.newClient()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> !client.sessionStatuses().containsKey(firstSession));
        }
    }

    @Test
    void rateLimitedOnTheFirstModelSucceedsOnTheFallbackModel() {
        assertSucceededOnFallback("rate", "rate_limited", "Fallback answered the rate limit.", "P-RATE");
    }

    @Test
    void providerUnavailableOnTheFirstModelSucceedsOnTheFallbackModel() {
        assertSucceededOnFallback("down", "provider_unavailable", "Fallback answered the outage.", "P-DOWN");
    }

    private void assertSucceededOnFallback(String task, String kind, String text, String marker) {
        JsonNode record = awaitRecord(outbox.resolve(task + ".result.json"));

        assertThat(record.get("text").asText()).isEqualTo(text);
        assertThat(record.get("model").asText()).isEqualTo(FALLBACK);
        assertThat(outcomes(record)).containsExactly(kind, "completed");
        assertThat(field(record, "model")).containsExactly(SharedOpenCode.MODEL, FALLBACK);
        assertThat(record.get("attempts").get(0).get("error").asText()).isNotBlank();
        assertThat(openCode.model().scriptedRequests().stream()
                .filter(request -> request.latestUserText().contains(marker)).map(request -> request.model()).distinct())
                .containsExactlyInAnyOrder("echo", "fallback");
    }

    @Test
    void unauthorizedGoesStraightToTheDeadLetterAfterOneAttempt() throws IOException {
        JsonNode record = awaitRecord(deadLetter.resolve("auth.error.json"));

        assertThat(record.get("failure").asText()).isEqualTo("auth_failed");
        assertThat(outcomes(record)).containsExactly("auth_failed");
        assertThat(record.get("file").asText()).isEqualTo("auth.txt");
        assertThat(record.get("original").get("prompt").asText()).isEqualTo("P-AUTH Anything.");
        assertThat(deadLetter.resolve("auth.txt")).exists();
        assertThat(openCode.model().scriptedRequests()).filteredOn(request -> request.latestUserText().contains("P-AUTH")).hasSize(1);
    }

    @Test
    void aReDrivenDeadLetterSucceedsAndKeepsItsHistory() throws IOException {
        Path errorRecord = deadLetter.resolve("redrive.error.json");
        JsonNode failed = awaitRecord(errorRecord);
        assertThat(outcomes(failed)).containsExactly("auth_failed");
        assertThat(failed.get("original").get("title").asText()).isEqualTo("redrive");

        // The model has recovered (its next reply is text): move the dead letter back into the inbox.
        Files.move(errorRecord, inbox.resolve("redrive.error.json"));
        JsonNode record = awaitRecord(outbox.resolve("redrive.result.json"));

        assertThat(record.get("task").asText()).isEqualTo("redrive");
        assertThat(record.get("text").asText()).isEqualTo("Recovered.");
        assertThat(outcomes(record)).containsExactly("auth_failed", "completed");
        assertThat(field(record, "attempt")).containsExactly("1", "2");
        assertThat(record.get("attempts").get(0).get("sessionId").asText())
                .isEqualTo(failed.get("attempts").get(0).get("sessionId").asText());
        await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(deadLetter.resolve("redrive.md")));
        assertThat(errorRecord).doesNotExist();
    }

    @Test
    void theSpendCapHealthCheckIsRegisteredAndUpWithoutACap() {
        HealthCheck check = HealthCheckRegistry.get(runner.getCamelContext()).getCheck("route-spend-cap:file-drop")
                .map(HealthCheck.class::cast).orElseThrow();
        HealthCheck.Result result = check.call();

        assertThat(check.isReadiness()).isTrue();
        assertThat(check.isLiveness()).isFalse();
        assertThat(result.getState()).isEqualTo(HealthCheck.State.UP);
        assertThat(result.getMessage()).hasValueSatisfying(message -> assertThat(message).contains("no spend cap"));
    }
}
