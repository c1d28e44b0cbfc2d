package org.camelopencode.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.camelopencode.failure.FailureKind;
import org.camelopencode.failure.OpenCodeFailureException;
import org.junit.jupiter.api.Test;

/** The result and error records: exact field names, order, omissions and round trips. */
class TaskRecordsTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static List<String> fieldNames(String json) throws Exception {
        List<String> names = new ArrayList<>();
        MAPPER.readTree(json).fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static final AttemptRecord RATE_LIMITED = new AttemptRecord(1, "ses_0", "anthropic/claude-sonnet-4", "rate_limited",
            "APIError 429: Too Many Requests", new TokenCounts(10, 0, 0), 0.001, 800, "2025-01-31T10:15:30Z");
    private static final AttemptRecord COMPLETED = new AttemptRecord(2, "ses_1", "openai/gpt-5", "completed", null,
            new TokenCounts(120, 30, 5), 0.0125, 4321, "2025-01-31T10:15:36Z");

    private static ResultRecord jsonResult() throws Exception {
        return ResultRecord.completed("fix-bug", "ses_1", "anthropic/claude-sonnet-4", "{\"ok\":true}",
                MAPPER.readTree("{\"ok\":true}"), new TokenCounts(120, 30, 5), 0.0125, List.of(RATE_LIMITED, COMPLETED), 4321);
    }

    private static List<AttemptRecord> one() {
        return List.of(COMPLETED.withAttempt(1));
    }

    @Test
    void resultRecordFieldsInContractOrder() throws Exception {
        String json = TaskRecords.toJson(jsonResult());

        assertThat(fieldNames(json)).containsExactly(
                "status", "task", "sessionId", "model", "text", "json", "tokens", "cost", "attempts", "durationMs");
        JsonNode tree = MAPPER.readTree(json);
        assertThat(tree.get("status").asText()).isEqualTo("completed");
        assertThat(tree.get("task").asText()).isEqualTo("fix-bug");
        assertThat(tree.get("sessionId").asText()).isEqualTo("ses_1");
        assertThat(tree.get("model").asText()).isEqualTo("anthropic/claude-sonnet-4");
        assertThat(tree.get("text").asText()).isEqualTo("{\"ok\":true}");
        assertThat(tree.get("json")).isEqualTo(MAPPER.readTree("{\"ok\":true}"));
        assertThat(fieldNames(tree.get("tokens").toString())).containsExactly("input", "output", "reasoning");
        assertThat(tree.get("tokens").get("input").asLong()).isEqualTo(120);
        assertThat(tree.get("tokens").get("output").asLong()).isEqualTo(30);
        assertThat(tree.get("tokens").get("reasoning").asLong()).isEqualTo(5);
        assertThat(tree.get("cost").asDouble()).isEqualTo(0.0125);
        assertThat(tree.get("attempts").size()).isEqualTo(2);
        assertThat(fieldNames(tree.get("attempts").get(0).toString())).containsExactly(
                "attempt", "sessionId", "model", "outcome", "error", "tokens", "cost", "durationMs", "startedAt");
        assertThat(tree.get("attempts").get(0).get("outcome").asText()).isEqualTo("rate_limited");
        assertThat(fieldNames(tree.get("attempts").get(1).toString())).doesNotContain("error");
        assertThat(tree.get("attempts").get(1).get("model").asText()).isEqualTo("openai/gpt-5");
        assertThat(tree.get("durationMs").asLong()).isEqualTo(4321);
    }

    @Test
    void resultRecordIsPrettyPrinted() {
        ResultRecord record = ResultRecord.completed("t", "ses_2", "a/b", "hi", null, new TokenCounts(1, 2, 0), 0,
                List.of(new AttemptRecord(1, "ses_2", "a/b", "completed", null, new TokenCounts(1, 2, 0), 0, 7, "2025-01-31T10:15:30Z")), 7);

        assertThat(TaskRecords.toJson(record)).isEqualTo("""
                {
                  "status": "completed",
                  "task": "t",
                  "sessionId": "ses_2",
                  "model": "a/b",
                  "text": "hi",
                  "tokens": {
                    "input": 1,
                    "output": 2,
                    "reasoning": 0
                  },
                  "cost": 0.0,
                  "attempts": [
                    {
                      "attempt": 1,
                      "sessionId": "ses_2",
                      "model": "a/b",
                      "outcome": "completed",
                      "tokens": {
                        "input": 1,
                        "output": 2,
                        "reasoning": 0
                      },
                      "cost": 0.0,
                      "durationMs": 7,
                      "startedAt": "2025-01-31T10:15:30Z"
                    }
                  ],
                  "durationMs": 7
                }""");
    }

    @Test
    void resultJsonIsOmittedWhenNull() throws Exception {
        String json = TaskRecords.toJson(ResultRecord.completed("t", "s", "a/b", "hi", null, TokenCounts.NONE, 0, one(), 1));

        assertThat(fieldNames(json)).doesNotContain("json")
                .containsExactly("status", "task", "sessionId", "model", "text", "tokens", "cost", "attempts", "durationMs");
    }

    @Test
    void resultRoundTrip() throws Exception {
        ResultRecord original = jsonResult();

        assertThat(TaskRecords.readResult(TaskRecords.toJson(original))).isEqualTo(original);
        ResultRecord textOnly = ResultRecord.completed("t", "s", "a/b", "hi", null, TokenCounts.NONE, 0.5, one(), 9);
        assertThat(TaskRecords.readResult(TaskRecords.toJson(textOnly))).isEqualTo(textOnly);
    }

    @Test
    void errorRecordFieldsInContractOrder() throws Exception {
        JsonNode request = MAPPER.readTree("{\"id\":\"per_1\",\"permission\":\"bash\",\"patterns\":[\"rm -rf *\"]}");
        OpenCodeFailureException failure = new OpenCodeFailureException(FailureKind.PENDING_PERMISSION,
                "permission 'bash' asked and escalated", "ses_9", request, null);

        TaskSpec task = TaskSpec.ofPrompt("deploy", "Deploy it.").withModel("a/b").withTimeout(java.time.Duration.ofSeconds(30));
        String json = TaskRecords.toJson(ErrorRecord.of("deploy", failure, List.of(RATE_LIMITED), "deploy.md", task));

        assertThat(fieldNames(json)).containsExactly("status", "task", "failure", "message", "sessionId", "attempts", "request",
                "file", "original");
        JsonNode tree = MAPPER.readTree(json);
        assertThat(tree.get("status").asText()).isEqualTo("failed");
        assertThat(tree.get("task").asText()).isEqualTo("deploy");
        assertThat(tree.get("failure").asText()).isEqualTo("pending_permission");
        assertThat(tree.get("message").asText()).isEqualTo("permission 'bash' asked and escalated");
        assertThat(tree.get("sessionId").asText()).isEqualTo("ses_9");
        assertThat(tree.get("attempts").size()).isEqualTo(1);
        assertThat(tree.get("attempts").get(0).get("sessionId").asText()).isEqualTo("ses_0");
        assertThat(tree.get("request")).isEqualTo(request);
        assertThat(tree.get("file").asText()).isEqualTo("deploy.md");
        assertThat(tree.get("original")).isEqualTo(MAPPER.readTree(
                "{\"prompt\":\"Deploy it.\",\"model\":\"a/b\",\"expect\":\"text\",\"timeout\":\"PT30S\"}"));
    }

    @Test
    void errorSessionAndRequestAreOmittedWhenNull() {
        OpenCodeFailureException failure = new OpenCodeFailureException(FailureKind.INVALID_TASK, "x.md: is empty");

        assertThat(TaskRecords.toJson(ErrorRecord.of("x", failure, List.of(), "x.md", null))).isEqualTo("""
                {
                  "status": "failed",
                  "task": "x",
                  "failure": "invalid_task",
                  "message": "x.md: is empty",
                  "attempts": [],
                  "file": "x.md"
                }""");
    }

    @Test
    void errorRoundTrip() throws Exception {
        OpenCodeFailureException failure = new OpenCodeFailureException(FailureKind.PENDING_QUESTION, "asked",
                "ses_3", MAPPER.readTree("{\"questions\":[{\"question\":\"Which?\"}]}"), null);
        ErrorRecord original = ErrorRecord.of("q", failure, List.of(RATE_LIMITED, COMPLETED), "q.md",
                TaskSpec.ofPrompt("q", "Ask.").withSchema(MAPPER.readTree("{\"type\":\"object\"}")));

        ErrorRecord read = TaskRecords.readError(TaskRecords.toJson(original));

        assertThat(read).isEqualTo(original);
        assertThat(read.failureKind()).contains(FailureKind.PENDING_QUESTION);
        ErrorRecord bare = ErrorRecord.of("b", new OpenCodeFailureException(FailureKind.TIMEOUT, "deadline PT30S passed"), List.of(RATE_LIMITED),
                null, null);
        assertThat(TaskRecords.readError(TaskRecords.toJson(bare))).isEqualTo(bare);
    }

    @Test
    void readingTheWrongRecordOrGarbageIsAClearError() {
        String error = TaskRecords.toJson(ErrorRecord.of("x", new OpenCodeFailureException(FailureKind.TIMEOUT, "late"), one(), null, null));
        String result = TaskRecords.toJson(ResultRecord.completed("t", "s", "a/b", "hi", null, TokenCounts.NONE, 0, one(), 1));

        assertThatThrownBy(() -> TaskRecords.readResult(error))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a valid ResultRecord")
                .hasMessageContaining("status 'completed', got 'failed'");
        assertThatThrownBy(() -> TaskRecords.readError(result))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("status 'failed', got 'completed'");
        assertThatThrownBy(() -> TaskRecords.readResult("{not json"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not a valid ResultRecord: ");
        assertThatThrownBy(() -> TaskRecords.readError("null"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not a valid ErrorRecord: the JSON is null");
    }

    @Test
    void unknownFailureNamesSurviveReading() {
        ErrorRecord read = TaskRecords.readError("{\"status\":\"failed\",\"task\":\"t\",\"failure\":\"future_kind\",\"message\":\"m\",\"attempts\":[]}");

        assertThat(read.failure()).isEqualTo("future_kind");
        assertThat(read.failureKind()).isEmpty();
        assertThat(read.sessionId()).isNull();
        assertThat(read.request()).isNull();
    }

    @Test
    void anErrorRecordReadsBackAsItsTask() throws Exception {
        TaskSpec task = new TaskSpec("fix", "Fix it.", "a/b", "build", "Fix", Expectation.JSON,
                MAPPER.readTree("{\"type\":\"object\"}"), java.time.Duration.ofSeconds(90), "run-1", "review");
        ErrorRecord record = TaskRecords.readError(TaskRecords.toJson(ErrorRecord.of("fix",
                new OpenCodeFailureException(FailureKind.AUTH_FAILED, "401"), List.of(RATE_LIMITED), "fix.json", task)));

        assertThat(new TaskReader().readErrorRecord(record)).isEqualTo(task);
        assertThat(TaskReader.isErrorRecord("fix.error.json")).isTrue();
        assertThat(TaskReader.isErrorRecord("dir/FIX.ERROR.JSON")).isTrue();
        assertThat(TaskReader.isErrorRecord("fix.json")).isFalse();
    }

    @Test
    void anErrorRecordKeepsTheTaskCaps() {
        TaskSpec task = TaskSpec.ofPrompt("capped", "Do it.").withMaxTokens(20_000L).withMaxCost(0.5);
        ErrorRecord record = TaskRecords.readError(TaskRecords.toJson(ErrorRecord.of("capped",
                new OpenCodeFailureException(FailureKind.BUDGET_EXCEEDED, "over the cap"), List.of(RATE_LIMITED), "capped.md", task)));

        assertThat(new TaskReader().readErrorRecord(record)).isEqualTo(task);
    }

    @Test
    void anErrorRecordWithoutItsTaskIsInvalid() {
        ErrorRecord record = ErrorRecord.of("broken", new OpenCodeFailureException(FailureKind.INVALID_TASK, "broken.json: bad"),
                List.of(), "broken.json", null);

        assertThatThrownBy(() -> new TaskReader().readErrorRecord(record))
                .isInstanceOf(OpenCodeFailureException.class)
                .hasMessageStartingWith("invalid_task: broken.error.json: has no 'original' task");
    }

    @Test
    void recordFileNames() {
        assertThat(TaskRecords.resultFileName("fix-bug")).isEqualTo("fix-bug.result.json");
        assertThat(TaskRecords.stageResultFileName("fix-bug", "plan")).isEqualTo("fix-bug.plan.result.json");
        assertThat(TaskRecords.errorFileName("fix-bug")).isEqualTo("fix-bug.error.json");
    }

    @Test
    void aStageResultHasItsRunAndStageRightAfterTheTaskAndReadsBack() throws Exception {
        ResultRecord stage = ResultRecord.completed("greeter", "ses_1", "a/b", "1. Plan.", null, TokenCounts.NONE, 0, one(), 3)
                .withStage("run-42", "plan");

        String json = TaskRecords.toJson(stage);

        assertThat(fieldNames(json)).containsExactly("status", "task", "runId", "stage", "sessionId", "model", "text", "tokens",
                "cost", "attempts", "durationMs");
        assertThat(MAPPER.readTree(json).get("runId").asText()).isEqualTo("run-42");
        assertThat(TaskRecords.readResult(json)).isEqualTo(stage);
        assertThat(stage.withStage(null, null)).isEqualTo(
                ResultRecord.completed("greeter", "ses_1", "a/b", "1. Plan.", null, TokenCounts.NONE, 0, one(), 3));
    }

    @Test
    void aRecordIsToldFromATaskByParsingIt() {
        String errorRecord = TaskRecords.toJson(ErrorRecord.of("x", new OpenCodeFailureException(FailureKind.TIMEOUT, "late"),
                one(), null, TaskSpec.ofPrompt("x", "Do it.")));
        Object[][] table = {
                {errorRecord, true},
                {"{\"status\": \"failed\"}", true},
                {"  {\"task\": \"x\", \"status\": \"completed\"}", true},
                {"{\"prompt\": \"Report the \\\"status\\\" of the \\\"original\\\" build.\"}", false},
                {"{\"prompt\": \"x\", \"schema\": {\"properties\": {\"status\": {}, \"original\": {}}}}", false},
                {"[{\"status\": \"failed\"}]", false},
                {"{\"status\": \"failed\", ", false},
                {"status: failed", false},
                {"", false},
        };
        for (Object[] row : table) {
            assertThat(TaskRecords.isRecord((String) row[0])).as((String) row[0]).isEqualTo(row[1]);
        }
    }

    @Test
    void aDamagedDeadLetterIsAnInvalidTaskNamingWhereItCameFrom() {
        assertThatThrownBy(() -> TaskRecords.readDeadLetter("nightly.error.json", "{\"status\": \"failed\", \"task\": \"x\"}"))
                .isInstanceOfSatisfying(OpenCodeFailureException.class,
                        failure -> assertThat(failure.getKind()).isEqualTo(FailureKind.INVALID_TASK))
                .hasMessageStartingWith("invalid_task: nightly.error.json: not a valid ErrorRecord: ");
    }
}
