package org.camelopencode.dispatch;

import com.fasterxml.jackson.core.type.TypeReference;
import java.time.Duration;
import java.util.List;
import org.camelopencode.agent.TokenUsage;
import org.camelopencode.client.MessageWithParts;
import org.camelopencode.client.OpenCodeJson;
import org.camelopencode.failure.FailureKind;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

class CompletionGateTest {

    private static final DispatchRequest TEXT = DispatchRequest.of("do it", Duration.ofMinutes(1));
    private static final DispatchRequest JSON = new DispatchRequest("do it", null, null, null, "t", true, null,
            Duration.ofMinutes(1), null, null, 1);

    private static final String USER = """
            {"info":{"id":"msg_u","sessionID":"ses_1","role":"user","time":{"created":1}},
             "parts":[{"id":"p0","type":"text","text":"do it","messageID":"msg_u","sessionID":"ses_1"}]}""";

    private static String assistant(String id, String extraInfo, String partsJson) {
        return """
                {"info":{"id":"%s","sessionID":"ses_1","role":"assistant","parentID":"msg_u","modelID":"echo","providerID":"mock",
                  "agent":"build","cost":0.25,"tokens":{"input":10,"output":5,"reasoning":1,"cache":{"read":2,"write":0}}%s},
                 "parts":%s}""".formatted(id, extraInfo, partsJson);
    }

    private static String textParts(String text) {
        return "[{\"id\":\"p1\",\"type\":\"step-start\"},{\"id\":\"p2\",\"type\":\"text\",\"text\":"
                + OpenCodeJson.mapper().valueToTree(text) + "},{\"id\":\"p3\",\"type\":\"step-finish\",\"reason\":\"stop\"}]";
    }

    private static List<MessageWithParts> messages(String... json) throws Exception {
        return OpenCodeJson.mapper().readValue("[" + String.join(",", json) + "]", new TypeReference<>() { });
    }

    private static final String COMPLETED = ",\"time\":{\"created\":2,\"completed\":3},\"finish\":\"stop\"";

    @Test
    void busySessionIsPendingEvenWithACompletedMessage() throws Exception {
        var verdict = CompletionGate.judge(TEXT, "ses_1", true, messages(USER, assistant("msg_a", COMPLETED, textParts("hi"))));
        assertThat(verdict).isInstanceOf(GateVerdict.Pending.class);
    }

    @Test
    void missingOrIncompleteAssistantMessageIsPending() throws Exception {
        assertThat(CompletionGate.judge(TEXT, "ses_1", false, messages(USER))).isInstanceOf(GateVerdict.Pending.class);
        var incomplete = messages(USER, assistant("msg_a", ",\"time\":{\"created\":2}", textParts("hi")));
        assertThat(CompletionGate.judge(TEXT, "ses_1", false, incomplete))
                .isEqualTo(new GateVerdict.Pending("latest assistant message not completed"));
    }

    @Test
    void completedTextReplyPassesWithTokensSummedOverSteps() throws Exception {
        var all = messages(USER,
                assistant("msg_a", ",\"time\":{\"created\":2,\"completed\":3},\"finish\":\"tool-calls\"", "[]"),
                assistant("msg_b", COMPLETED, textParts("  hello there  ")));
        var verdict = (GateVerdict.Completed) CompletionGate.judge(TEXT, "ses_1", false, all);
        DispatchResult result = verdict.result();
        assertThat(result.text()).isEqualTo("hello there");
        assertThat(result.messageId()).isEqualTo("msg_b");
        assertThat(result.model()).isEqualTo("mock/echo");
        assertThat(result.json()).isNull();
        assertThat(result.tokens()).isEqualTo(new TokenUsage(20, 10, 2, 4, 0));
        assertThat(result.cost()).isEqualTo(0.5);
        assertThat(result.finish()).isEqualTo("stop");
    }

    @Test
    void emptyReplyIsMissingTextPart() throws Exception {
        var verdict = CompletionGate.judge(TEXT, "ses_1", false, messages(USER, assistant("msg_a", COMPLETED, "[]")));
        assertThat(((GateVerdict.Failed) verdict).kind()).isEqualTo(FailureKind.ASSISTANT_OUTPUT_MISSING_TEXT_PART);
        var blank = CompletionGate.judge(TEXT, "ses_1", false, messages(USER, assistant("msg_a", COMPLETED, textParts("  \n"))));
        assertThat(((GateVerdict.Failed) blank).kind()).isEqualTo(FailureKind.ASSISTANT_OUTPUT_MISSING_TEXT_PART);
    }

    @Test
    void jsonExpectationAcceptsPlainAndFencedJsonAndRejectsProse() throws Exception {
        var plain = (GateVerdict.Completed) CompletionGate.judge(JSON, "ses_1", false,
                messages(USER, assistant("msg_a", COMPLETED, textParts("{\"ok\": true}"))));
        assertThat(plain.result().json().get("ok").asBoolean()).isTrue();
        var fenced = (GateVerdict.Completed) CompletionGate.judge(JSON, "ses_1", false,
                messages(USER, assistant("msg_a", COMPLETED, textParts("Here it is:\n```json\n{\"n\": 2}\n```\n"))));
        assertThat(fenced.result().json().get("n").asInt()).isEqualTo(2);
        var prose = (GateVerdict.Failed) CompletionGate.judge(JSON, "ses_1", false,
                messages(USER, assistant("msg_a", COMPLETED, textParts("Sure! {\"n\": 2}"))));
        assertThat(prose.kind()).isEqualTo(FailureKind.ASSISTANT_OUTPUT_NOT_JSON);
        assertThat(prose.message()).contains("Sure!");
    }

    @Test
    void structuredOutputIsTheJsonWhenASchemaWasSent() throws Exception {
        var withSchema = new DispatchRequest("do it", null, null, null, "t", false,
                OpenCodeJson.mapper().readTree("{\"type\":\"object\"}"), Duration.ofMinutes(1), null, null, 1);
        var verdict = (GateVerdict.Completed) CompletionGate.judge(withSchema, "ses_1", false,
                messages(USER, assistant("msg_a", ",\"time\":{\"created\":2,\"completed\":3},\"finish\":\"tool-calls\",\"structured\":{\"a\":1}", "[]")));
        assertThat(verdict.result().json().get("a").asInt()).isEqualTo(1);
        assertThat(verdict.result().text()).isEqualTo("{\"a\":1}");
    }

    @Test
    void messageErrorsAreClassified() throws Exception {
        assertThat(kindFor("{\"name\":\"APIError\",\"data\":{\"message\":\"Too Many Requests\",\"statusCode\":429,\"isRetryable\":true}}"))
                .isEqualTo(FailureKind.RATE_LIMITED);
        assertThat(kindFor("{\"name\":\"APIError\",\"data\":{\"message\":\"Unauthorized\",\"statusCode\":401,\"isRetryable\":false}}"))
                .isEqualTo(FailureKind.AUTH_FAILED);
        assertThat(kindFor("{\"name\":\"APIError\",\"data\":{\"message\":\"Service Unavailable\",\"statusCode\":503,\"isRetryable\":true}}"))
                .isEqualTo(FailureKind.PROVIDER_UNAVAILABLE);
        assertThat(kindFor("{\"name\":\"ContextOverflowError\",\"data\":{\"message\":\"too long\"}}")).isEqualTo(FailureKind.CONTEXT_OVERFLOW);
        assertThat(kindFor("{\"name\":\"StructuredOutputError\",\"data\":{\"message\":\"bad\",\"retries\":2}}"))
                .isEqualTo(FailureKind.ASSISTANT_OUTPUT_NOT_JSON);
        assertThat(kindFor("{\"name\":\"ProviderAuthError\",\"data\":{\"providerID\":\"x\",\"message\":\"no key\"}}")).isEqualTo(FailureKind.AUTH_FAILED);
        assertThat(kindFor("{\"name\":\"MessageAbortedError\",\"data\":{\"message\":\"aborted\"}}")).isEqualTo(FailureKind.ABORTED);
        assertThat(kindFor("{\"name\":\"MessageOutputLengthError\",\"data\":{}}")).isEqualTo(FailureKind.AGENT_ERROR);
    }

    @Test
    void anErrorOnAnEarlierMessageDoesNotFailARecoveredTurn() throws Exception {
        // OpenCode compacts after a context overflow and goes on: only the latest message decides.
        var recovered = messages(USER,
                assistant("msg_a", ",\"time\":{\"created\":2,\"completed\":3},\"error\":{\"name\":\"ContextOverflowError\",\"data\":{\"message\":\"x\"}}", "[]"),
                assistant("msg_b", COMPLETED, textParts("done")));
        assertThat(CompletionGate.judge(TEXT, "ses_1", false, recovered)).isInstanceOf(GateVerdict.Completed.class);
    }

    private static FailureKind kindFor(String errorJson) throws Exception {
        var verdict = CompletionGate.judge(TEXT, "ses_1", false,
                messages(USER, assistant("msg_a", ",\"time\":{\"created\":2,\"completed\":3},\"error\":" + errorJson, "[]")));
        return ((GateVerdict.Failed) verdict).kind();
    }
}
