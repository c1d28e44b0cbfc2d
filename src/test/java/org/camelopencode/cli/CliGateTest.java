package org.camelopencode.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.camelopencode.dispatch.DispatchRequest;
import org.camelopencode.dispatch.DispatchResult;
import org.camelopencode.dispatch.GateVerdict;
import org.camelopencode.failure.FailureKind;
import org.camelopencode.client.OpenCodeJson;
import org.junit.jupiter.api.Test;

/** {@link CliGate} on recorded and built {@code opencode run --format json} lines: the server gate's kinds and texts. */
class CliGateTest {

    private static final DispatchRequest TEXT = new DispatchRequest("say hi", "scripted/echo", null, null, "t", false, null,
            Duration.ofSeconds(30), null, null, 1);
    private static final DispatchRequest JSON = new DispatchRequest("json please", "scripted/echo", "plan", null, "t", true, null,
            Duration.ofSeconds(30), null, null, 1);

    private static CliOutput read(List<String> lines) {
        CliOutput output = new CliOutput();
        lines.forEach(output::accept);
        return output;
    }

    private static GateVerdict.Failed failed(GateVerdict verdict) {
        assertThat(verdict).isInstanceOf(GateVerdict.Failed.class);
        return (GateVerdict.Failed) verdict;
    }

    private static DispatchResult completed(GateVerdict verdict) {
        assertThat(verdict).isInstanceOf(GateVerdict.Completed.class);
        return ((GateVerdict.Completed) verdict).result();
    }

    @Test
    void theRecordedJsonRunCompletesWithItsJsonSessionAndUsage() {
        DispatchResult result = completed(CliGate.judge(JSON, read(CliLines.recording("run-format-json.ndjson")), 0, "", null));
        assertThat(result.sessionId()).isEqualTo("ses_e04ad75ecffedVpLIm4FcjQQJ7");
        assertThat(result.messageId()).isEqualTo("msg_1fb528a3e001m5YJ3O8dWfwe2a");
        assertThat(result.json()).isEqualTo(OpenCodeJson.mapper().createObjectNode().put("ok", true));
        assertThat(result.text()).isEqualTo("{\"ok\": true}");
        assertThat(result.model()).isEqualTo("scripted/echo");
        assertThat(result.agent()).isEqualTo("plan");
        assertThat(result.finish()).isEqualTo("stop");
        assertThat(result.tokens().input()).isEqualTo(10);
        assertThat(result.tokens().output()).isEqualTo(5);
    }

    @Test
    void theRecordedToolRunSumsTokensOverBothStepsAndTakesTheFinalMessagesText() {
        CliOutput output = read(CliLines.recording("run-format-json-read-tool.ndjson"));
        DispatchResult result = completed(CliGate.judge(TEXT, output, 0, "", null));
        assertThat(result.text()).isEqualTo("The fixture says: alpha beta gamma.");
        assertThat(result.messageId()).isEqualTo("msg_1fc0c2c77001C0khdNBMTsub8L");
        assertThat(result.tokens().input()).isEqualTo(2455 + 2577);
        assertThat(result.tokens().output()).isEqualTo(22 + 9);
        assertThat(output.summary().toolsUsed()).containsExactly("read");
    }

    @Test
    void proseWhenJsonIsExpectedIsNotJson() {
        CliOutput output = read(List.of(CliLines.text("msg_1", "prt_1", "Sure! Here it is: {\"a\":1}"),
                CliLines.stepFinish("msg_1", "prt_2", "stop", 10, 5, 0)));
        GateVerdict.Failed failed = failed(CliGate.judge(JSON, output, 0, "", null));
        assertThat(failed.kind()).isEqualTo(FailureKind.ASSISTANT_OUTPUT_NOT_JSON);
        assertThat(failed.message()).startsWith("JSON was expected but the reply is not JSON");
    }

    @Test
    void aFencedJsonBlockCountsAsJson() {
        CliOutput output = read(List.of(CliLines.text("msg_1", "prt_1", "```json\n{\"a\": 1}\n```"),
                CliLines.stepFinish("msg_1", "prt_2", "stop", 10, 5, 0)));
        assertThat(completed(CliGate.judge(JSON, output, 0, "", null)).json().get("a").asInt()).isEqualTo(1);
    }

    @Test
    void aRunWithoutTextIsMissingTextPart() {
        CliOutput output = read(List.of(CliLines.stepFinish("msg_1", "prt_2", "stop", 10, 1, 0)));
        assertThat(failed(CliGate.judge(TEXT, output, 0, "", null)).kind()).isEqualTo(FailureKind.ASSISTANT_OUTPUT_MISSING_TEXT_PART);
    }

    @Test
    void errorLinesAreClassifiedLikeTheFinalMessagesError() {
        assertThat(failed(CliGate.judge(TEXT, read(List.of(CliLines.apiError(401, "Incorrect API key provided.", false, "{}"))), 1,
                "", null)).kind()).isEqualTo(FailureKind.AUTH_FAILED);
        GateVerdict.Failed rateLimited = failed(CliGate.judge(TEXT, read(List.of(CliLines.apiError(429, "Rate limit reached.", true,
                "{\"retry-after-ms\":\"100\"}"))), 1, "", null));
        assertThat(rateLimited.kind()).isEqualTo(FailureKind.RATE_LIMITED);
        assertThat(rateLimited.message()).isEqualTo("APIError 429: Rate limit reached.");
        assertThat(rateLimited.error().responseHeaders()).containsEntry("retry-after-ms", "100");
        assertThat(failed(CliGate.judge(TEXT, read(List.of(CliLines.apiError(503, "unavailable", true, "{}"))), 1, "", null)).kind())
                .isEqualTo(FailureKind.PROVIDER_UNAVAILABLE);
        assertThat(failed(CliGate.judge(TEXT, read(List.of(CliLines.contextOverflow(), CliLines.contextOverflow())), 1, "", null))
                .kind()).isEqualTo(FailureKind.CONTEXT_OVERFLOW);
    }

    @Test
    void textAfterTheLastErrorIsARecoveryEvenWithExitCodeOne() {
        CliOutput output = read(List.of(CliLines.contextOverflow(), CliLines.text("msg_2", "prt_1", "recovered"),
                CliLines.stepFinish("msg_2", "prt_2", "stop", 10, 1, 0)));
        assertThat(completed(CliGate.judge(TEXT, output, 1, "", null)).text()).isEqualTo("recovered");
    }

    @Test
    void aRejectedPermissionThatEndedTheTurnIsRequestRejectedWithTheCallAttached() {
        CliOutput output = read(List.of(CliLines.rejectedBash("msg_1"), CliLines.stepFinish("msg_1", "prt_2", "tool-calls", 10, 7, 0)));
        GateVerdict.Failed failed = failed(CliGate.judge(TEXT, output, 0, "! permission requested: bash (echo hi); auto-rejecting", null));
        assertThat(failed.kind()).isEqualTo(FailureKind.REQUEST_REJECTED);
        assertThat(failed.message()).contains("bash").contains("no non-empty text part");
        assertThat(output.rejectedRequest().get("input").get("command").asText()).isEqualTo("echo hi");
    }

    @Test
    void aNonZeroExitWithoutErrorLinesIsAgentErrorWithTheStderrTail() {
        GateVerdict.Failed failed = failed(CliGate.judge(TEXT, read(List.of()), 2, "error: unknown option --bogus\n", null));
        assertThat(failed.kind()).isEqualTo(FailureKind.AGENT_ERROR);
        assertThat(failed.message()).contains("exited with code 2").contains("unknown option --bogus");
    }

    @Test
    void unreadableLinesAreReportedAndSkipped() {
        CliOutput output = read(List.of("not json at all", "[1,2]"));
        assertThat(output.malformedLines()).hasSize(2);
        GateVerdict.Failed failed = failed(CliGate.judge(TEXT, output, 0, "", null));
        assertThat(failed.kind()).isEqualTo(FailureKind.AGENT_ERROR);
        assertThat(failed.message()).contains("2 unreadable line(s)").contains("not json at all");

        CliOutput withText = read(List.of("garbage", CliLines.text("msg_1", "prt_1", "fine"), CliLines.stepFinish("msg_1", "prt_2",
                "stop", 1, 1, 0)));
        assertThat(completed(CliGate.judge(TEXT, withText, 0, "", null)).text()).isEqualTo("fine");
    }

    @Test
    void onlyTheFinalMessagesTextsCountAndTheyAreJoined() {
        CliOutput output = read(List.of(CliLines.text("msg_1", "prt_1", "let me look"), CliLines.stepFinish("msg_1", "prt_2",
                "tool-calls", 5, 5, 0.5), CliLines.text("msg_2", "prt_3", "first"), CliLines.text("msg_2", "prt_4", "second"),
                CliLines.stepFinish("msg_2", "prt_5", "stop", 5, 5, 0.25)));
        DispatchResult result = completed(CliGate.judge(TEXT, output, 0, "", null));
        assertThat(result.text()).isEqualTo("first\n\nsecond");
        assertThat(result.cost()).isEqualTo(0.75);

        CliOutput endsWithoutText = read(List.of(CliLines.text("msg_1", "prt_1", "let me look"), CliLines.stepFinish("msg_1", "prt_2",
                "tool-calls", 5, 5, 0), CliLines.stepFinish("msg_2", "prt_5", "stop", 5, 5, 0)));
        assertThat(failed(CliGate.judge(TEXT, endsWithoutText, 0, "", null)).kind())
                .isEqualTo(FailureKind.ASSISTANT_OUTPUT_MISSING_TEXT_PART);
    }
}
