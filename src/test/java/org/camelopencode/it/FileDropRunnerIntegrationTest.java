package org.camelopencode.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.camel.main.Main;
import org.camelopencode.client.OpenCodeClient;
import org.camelopencode.testkit.Reply;
import org.camelopencode.testkit.RequestMatcher;
import org.camelopencode.testkit.ScriptedModelServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

/**
 * The shipped runner ({@code routes/file-drop.yaml}, {@code routes/playbook.yaml}, {@code application.properties})
 * against a real OpenCode server and the scripted model: one batch of task files, one per success form and per
 * failure kind, each checked field by field in its record. The scripted failures never recover, so the kinds the
 * playbook retries end in the dead letter after their allowance (default numbers, short delays): 2 attempts for
 * missing text part, context overflow and timeout, 3 for rate limited and provider unavailable, 1 for the rest.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FileDropRunnerIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Path work;
    private Path inbox;
    private Path outbox;
    private Path deadLetter;
    private SharedOpenCode openCode;
    private Main runner;
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeAll
    void startRunnerWithABatch() throws Exception {
        openCode = SharedOpenCode.get();
        ScriptedModelServer model = openCode.model();
        model.when(RequestMatcher.promptContains("T-TEXT")).reply(Reply.text("Hello from the scripted model."));
        model.when(RequestMatcher.promptContains("T-PLAIN")).reply(Reply.text("Checked: 1, 2, 3."));
        model.when(RequestMatcher.promptContains("T-JSON")).reply(Reply.json("{\"answer\": 42, \"items\": [\"a\", \"b\"]}"));
        model.when(RequestMatcher.promptContains("T-FENCED")).reply(Reply.fencedJson("{\"fenced\": true}", "Here you go:", "Done."));
        // Matched on the whole conversation: the stricter JSON retry in the same session gets prose again.
        model.when(request -> request.messagesJson().contains("T-PROSE"))
                .reply(Reply.text("Sure! The answer is {\"answer\": 42} as requested."));
        model.when(RequestMatcher.promptContains("T-EMPTY")).reply(Reply.empty());
        model.when(RequestMatcher.promptContains("T-AUTH")).reply(Reply.unauthorized());
        model.when(RequestMatcher.promptContains("T-RATE")).reply(Reply.rateLimited(Duration.ZERO));
        // retry-after-ms 0: OpenCode's own retry loop (2, 4, 8, 16, 32 s without the header) ends at once.
        model.when(RequestMatcher.promptContains("T-DOWN")).reply(Reply.httpError(503, java.util.Map.of("retry-after-ms", "0"),
                "{\"error\":{\"message\":\"The server is temporarily unavailable\",\"type\":\"server_error\"}}"));
        // Matched on the whole conversation, so the compaction request overflows too: OpenCode 1.3.2 compacts and goes on
        // with a synthetic prompt that no longer holds the marker, and would otherwise complete.
        model.when(request -> request.messagesJson().contains("T-OVERFLOW")).reply(Reply.contextOverflow());
        model.when(RequestMatcher.promptContains("T-BASH")).reply(
                Reply.toolCall("bash", "{\"command\":\"echo hi\",\"description\":\"Print hi\"}"), Reply.text("ran it"));
        model.when(RequestMatcher.promptContains("T-QUESTION")).reply(Reply.toolCall("question",
                "{\"questions\":[{\"question\":\"Which environment?\",\"header\":\"Env\",\"options\":["
                        + "{\"label\":\"staging\",\"description\":\"Staging\"},{\"label\":\"production\",\"description\":\"Prod\"}]}]}"),
                Reply.text("answered"));
        model.when(RequestMatcher.promptContains("T-HANG")).reply(Reply.hang());

        work = Files.createTempDirectory("file-drop-it-");
        inbox = Files.createDirectories(work.resolve("inbox"));
        outbox = work.resolve("outbox");
        deadLetter = work.resolve("dead-letter");
        write("text-ok.md", """
                ---
                title: greeting
                expect: text
                timeout: PT60S
                ---
                T-TEXT Say hello.
                ---
                The line above is part of the prompt.
                """);
        write("plain.txt", "T-PLAIN List three checks.\n");
        write("json-ok.json", "{\"prompt\": \"T-JSON Answer in JSON.\", \"expect\": \"json\"}");
        write("fenced.md", "---\nexpect: json\n---\nT-FENCED Answer in a fenced block.\n");
        write("broken.json", "{\"prompt\": \"T-BROKEN never sent\", ");
        write("zero.md", "");
        write("prose.md", "---\nexpect: json\n---\nT-PROSE Answer in JSON.\n");
        write("empty.txt", "T-EMPTY Say nothing.\n");
        write("auth.txt", "T-AUTH Anything.\n");
        write("rate.txt", "T-RATE Anything.\n");
        write("down.txt", "T-DOWN Anything.\n");
        write("overflow.txt", "T-OVERFLOW Anything.\n");
        write("permission.txt", "T-BASH Run echo hi.\n");
        write("question.txt", "T-QUESTION Ask me which environment.\n");
        write("hang.md", "---\ntimeout: 3\n---\nT-HANG Take forever.\n");

        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        logs.start();
        root.addAppender(logs);

        runner = openCode.newRunner(work);
        runner.addOverrideProperty("opencode.timeout", "PT90S");
        runner.addOverrideProperty("opencode.retry.delay", "50");
        runner.addOverrideProperty("opencode.retry.backoff.delay", "50");
        runner.start();
    }

    @AfterAll
    void stopRunner() {
        if (runner != null) {
            runner.stop();
        }
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    }

    private void write(String name, String content) throws IOException {
        Files.writeString(inbox.resolve(name), content, StandardCharsets.UTF_8);
    }

    private JsonNode awaitRecord(Path folder, String fileName) {
        Path file = folder.resolve(fileName);
        await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(200)).until(() -> Files.exists(file));
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException unreadable) {
            throw new AssertionError(file + " is not JSON", unreadable);
        }
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        Iterator<String> iterator = node.fieldNames();
        iterator.forEachRemaining(names::add);
        return names;
    }

    private void assertCompleted(JsonNode record, String task, String text) {
        assertThat(fieldNames(record)).containsSubsequence("status", "task", "sessionId", "model", "text");
        assertThat(record.get("status").asText()).isEqualTo("completed");
        assertThat(record.get("task").asText()).isEqualTo(task);
        assertThat(record.get("sessionId").asText()).startsWith("ses_");
        assertThat(record.get("model").asText()).isEqualTo(SharedOpenCode.MODEL);
        assertThat(record.get("text").asText()).isEqualTo(text);
        assertThat(record.get("tokens").get("input").asLong()).isPositive();
        assertThat(record.get("tokens").get("output").asLong()).isPositive();
        assertThat(record.get("tokens").get("reasoning").asLong()).isZero();
        assertThat(record.get("cost").isNumber()).isTrue();
        assertThat(record.get("attempts").size()).isEqualTo(1);
        JsonNode attempt = record.get("attempts").get(0);
        assertThat(attempt.get("attempt").asInt()).isEqualTo(1);
        assertThat(attempt.get("sessionId").asText()).isEqualTo(record.get("sessionId").asText());
        assertThat(attempt.get("model").asText()).isEqualTo(SharedOpenCode.MODEL);
        assertThat(attempt.get("outcome").asText()).isEqualTo("completed");
        assertThat(attempt.get("durationMs").asLong()).isEqualTo(record.get("durationMs").asLong());
        assertThat(attempt.get("startedAt").asText()).endsWith("Z");
        assertThat(record.get("durationMs").asLong()).isPositive();
    }

    private JsonNode assertFailed(String task, String originalFile, String kind) throws IOException {
        return assertFailed(task, originalFile, kind, 1);
    }

    /** Checks the dead letter, and that each of its {@code attempts} failed as {@code kind} in a session of its own. */
    private JsonNode assertFailed(String task, String originalFile, String kind, int attempts) throws IOException {
        JsonNode record = awaitRecord(deadLetter, task + ".error.json");
        assertThat(fieldNames(record)).containsSubsequence("status", "task", "failure", "message");
        assertThat(record.get("status").asText()).isEqualTo("failed");
        assertThat(record.get("task").asText()).isEqualTo(task);
        assertThat(record.get("failure").asText()).isEqualTo(kind);
        assertThat(record.get("message").asText()).isNotBlank();
        Path original = deadLetter.resolve(originalFile);
        assertThat(original).exists();
        // The file consumer moves the task file to .done after the exchange, which writes the record first.
        Path done = inbox.resolve(".done").resolve(originalFile);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> Files.exists(done));
        assertThat(Files.readString(original)).isEqualTo(Files.readString(done));
        assertThat(outbox.resolve(task + ".result.json")).doesNotExist();
        if (!"invalid_task".equals(kind)) {
            assertThat(record.get("sessionId").asText()).startsWith("ses_");
            assertThat(record.get("attempts").size()).as(task + " attempts").isEqualTo(attempts);
            List<String> sessions = new ArrayList<>();
            for (JsonNode attempt : record.get("attempts")) {
                assertThat(attempt.get("outcome").asText()).isEqualTo(kind);
                assertThat(attempt.get("model").asText()).isEqualTo(SharedOpenCode.MODEL);
                assertThat(attempt.get("error").asText()).isNotBlank();
                sessions.add(attempt.get("sessionId").asText());
            }
            assertThat(sessions).doesNotHaveDuplicates().last().isEqualTo(record.get("sessionId").asText());
            assertThat(record.get("original").get("prompt").asText()).startsWith("T-");
            assertThat(record.get("file").asText()).isEqualTo(originalFile);
        }
        return record;
    }

    @Test
    void markdownWithFrontMatterCompletesAsText() {
        JsonNode record = awaitRecord(outbox, "text-ok.result.json");
        assertCompleted(record, "text-ok", "Hello from the scripted model.");
        assertThat(record.has("json")).isFalse();
        String prompt = openCode.model().requests().stream()
                .filter(request -> request.latestUserText().contains("T-TEXT"))
                .findFirst().orElseThrow().latestUserText();
        assertThat(prompt).contains("The line above is part of the prompt.").doesNotContain("expect: text");
    }

    @Test
    void textFileCompletes() {
        assertCompleted(awaitRecord(outbox, "plain.result.json"), "plain", "Checked: 1, 2, 3.");
    }

    @Test
    void jsonTaskCompletesWithParsedJson() {
        JsonNode record = awaitRecord(outbox, "json-ok.result.json");
        assertCompleted(record, "json-ok", "{\"answer\": 42, \"items\": [\"a\", \"b\"]}");
        assertThat(record.get("json").get("answer").asInt()).isEqualTo(42);
        assertThat(record.get("json").get("items").size()).isEqualTo(2);
    }

    @Test
    void fencedJsonCountsAsJson() {
        JsonNode record = awaitRecord(outbox, "fenced.result.json");
        assertThat(record.get("status").asText()).isEqualTo("completed");
        assertThat(record.get("json").get("fenced").asBoolean()).isTrue();
        assertThat(record.get("text").asText()).contains("```json");
    }

    @Test
    void malformedTaskIsInvalidAndNeverDispatched() throws IOException {
        JsonNode record = assertFailed("broken", "broken.json", "invalid_task");
        assertThat(record.get("attempts").size()).isZero();
        assertThat(record.has("original")).isFalse();
        assertThat(record.has("sessionId")).isFalse();
        assertThat(record.get("message").asText()).contains("broken.json");
        assertThat(openCode.model().requests()).noneMatch(request -> request.latestUserText().contains("T-BROKEN"));
    }

    @Test
    void zeroByteTaskFileIsInvalidAndEndsInTheDeadLetterWithItsFile() throws IOException {
        JsonNode record = assertFailed("zero", "zero.md", "invalid_task");
        assertThat(record.get("message").asText()).isEqualTo("zero.md: is empty");
        assertThat(record.get("file").asText()).isEqualTo("zero.md");
        assertThat(record.get("attempts").size()).isZero();
        assertThat(record.has("original")).isFalse();
        assertThat(deadLetter.resolve("zero.md")).isEmptyFile();
        assertThat(inbox.resolve("zero.md")).doesNotExist();
    }

    @Test
    void proseWhereJsonWasExpectedIsNotJson() throws IOException {
        assertThat(assertFailed("prose", "prose.md", "assistant_output_not_json").get("message").asText()).contains("Sure!");
    }

    @Test
    void emptyReplyIsMissingTextPart() throws IOException {
        assertFailed("empty", "empty.txt", "assistant_output_missing_text_part", 2);
    }

    @Test
    void providerUnauthorizedIsAuthFailed() throws IOException {
        assertThat(assertFailed("auth", "auth.txt", "auth_failed").get("message").asText()).contains("401");
    }

    @Test
    void providerRateLimitIsRateLimited() throws IOException {
        assertThat(assertFailed("rate", "rate.txt", "rate_limited", 3).get("message").asText())
                .matches(providerFailure(429, "Rate limit reached for requests."));
    }

    @Test
    void providerUnavailableIsProviderUnavailable() throws IOException {
        assertThat(assertFailed("down", "down.txt", "provider_unavailable", 3).get("message").asText())
                .matches(providerFailure(503, "The server is temporarily unavailable"));
    }

    /**
     * OpenCode's final {@code APIError} once it gives up (1.18.33), or, where OpenCode retries without end (before 1.18:
     * its retry status names the provider's message but no status code), the dispatch ending it past 5 attempts.
     */
    private static String providerFailure(int status, String providerMessage) {
        String quoted = java.util.regex.Pattern.quote(providerMessage);
        return "APIError " + status + ": " + quoted + "|OpenCode kept retrying the provider past the 5 attempts .*\\(attempt \\d+: "
                + quoted + "\\); the session was aborted";
    }

    @Test
    void contextOverflowIsContextOverflow() throws IOException {
        assertFailed("overflow", "overflow.txt", "context_overflow", 2);
    }

    @Test
    void permissionRequestIsPendingPermissionWithTheRequestAttached() throws Exception {
        JsonNode record = assertFailed("permission", "permission.txt", "pending_permission");
        assertThat(record.get("request").get("permission").asText()).isEqualTo("bash");
        assertThat(record.get("request").get("patterns").toString()).contains("echo hi");
        assertSessionNotBusy(record.get("sessionId").asText());
    }

    @Test
    void questionIsPendingQuestionWithTheQuestionsAttached() throws Exception {
        JsonNode record = assertFailed("question", "question.txt", "pending_question");
        assertThat(record.get("request").get("questions").get(0).get("question").asText()).isEqualTo("Which environment?");
        assertSessionNotBusy(record.get("sessionId").asText());
    }

    @Test
    void hangingModelTimesOutAndTheSessionIsAborted() throws Exception {
        JsonNode record = assertFailed("hang", "hang.md", "timeout", 2);
        assertThat(record.get("message").asText()).contains("PT3S");
        for (JsonNode attempt : record.get("attempts")) {
            assertSessionNotBusy(attempt.get("sessionId").asText());
        }
    }

    @Test
    void everyTaskFileEndsAsExactlyOneRecordAndThePasswordIsNowhere() throws IOException {
        for (String task : List.of("text-ok", "plain", "json-ok", "fenced", "broken", "zero", "prose", "empty", "auth", "rate", "down",
                "overflow", "permission", "question", "hang")) {
            Path result = outbox.resolve(task + ".result.json");
            Path error = deadLetter.resolve(task + ".error.json");
            await().atMost(Duration.ofSeconds(150)).until(() -> Files.exists(result) || Files.exists(error));
            assertThat(Files.exists(result) ^ Files.exists(error)).as(task + " has exactly one record").isTrue();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            try (Stream<Path> left = Files.list(inbox)) {
                return left.noneMatch(Files::isRegularFile);
            }
        });
        String password = openCode.server().password();
        try (Stream<Path> records = Stream.concat(Files.list(outbox), Files.list(deadLetter))) {
            for (Path record : records.toList()) {
                assertThat(Files.readString(record)).doesNotContain(password);
            }
        }
        assertThat(logs.list).noneMatch(event -> event.getFormattedMessage().contains(password));
    }

    private void assertSessionNotBusy(String sessionId) {
        try (OpenCodeClient client = openCode.newClient()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> !client.sessionStatuses().containsKey(sessionId));
        }
    }
}
