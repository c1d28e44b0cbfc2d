package org.camelopencode.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import org.camelopencode.client.MessageWithParts;
import org.camelopencode.client.OpenCodeJson;
import org.camelopencode.failure.FailureKind;
import org.junit.jupiter.api.Test;

/** {@link SchemaCheck} and the gate's schema verdicts: valid, violations with reasons, structured output, invalid schemas. */
class SchemaCheckTest {

    private static final String SCHEMA = "{\"type\":\"object\",\"properties\":{\"answer\":{\"type\":\"integer\"},"
            + "\"note\":{\"type\":\"string\"}},\"required\":[\"answer\"],\"additionalProperties\":false}";

    private static JsonNode json(String text) throws Exception {
        return OpenCodeJson.mapper().readTree(text);
    }

    private static DispatchRequest withSchema(String schema) throws Exception {
        return new DispatchRequest("do it", null, null, null, "t", false, json(schema), Duration.ofMinutes(1), null, null, 1);
    }

    /** A completed assistant message with optional text, {@code structured} and error, in the 1.18.33 shape. */
    private static List<MessageWithParts> reply(String text, String structured, String error) throws Exception {
        String info = "{\"id\":\"msg_a\",\"sessionID\":\"ses_1\",\"role\":\"assistant\",\"modelID\":\"echo\",\"providerID\":\"mock\","
                + "\"time\":{\"created\":2,\"completed\":3},\"finish\":\"stop\""
                + (structured == null ? "" : ",\"structured\":" + structured)
                + (error == null ? "" : ",\"error\":" + error) + "}";
        String parts = text == null ? "[]"
                : "[{\"id\":\"p1\",\"type\":\"text\",\"text\":" + OpenCodeJson.mapper().valueToTree(text) + "}]";
        return OpenCodeJson.mapper().readValue("[{\"info\":" + info + ",\"parts\":" + parts + "}]", new TypeReference<>() { });
    }

    private static final String NO_STRUCTURED_OUTPUT =
            "{\"name\":\"StructuredOutputError\",\"data\":{\"message\":\"Model did not produce structured output\",\"retries\":0}}";

    @Test
    void aMatchingValueHasNoViolations() throws Exception {
        assertThat(SchemaCheck.compile(json(SCHEMA)).violations(json("{\"answer\":42,\"note\":\"ok\"}"))).isEmpty();
    }

    @Test
    void violationsAreTheValidatorsReadableMessages() throws Exception {
        List<String> violations = SchemaCheck.compile(json(SCHEMA)).violations(json("{\"answer\":\"x\",\"extra\":1}"));
        assertThat(violations).contains("$.answer: string found, integer expected")
                .anyMatch(message -> message.contains("'extra'") && message.contains("not defined in the schema"));
    }

    @Test
    void theSummaryShowsTheFirstThreeAndCountsTheRest() {
        assertThat(SchemaCheck.summary(List.of("a", "b"))).isEqualTo("a; b");
        assertThat(SchemaCheck.summary(List.of("a", "b", "c", "d", "e"))).isEqualTo("a; b; c (and 2 more)");
    }

    @Test
    void anInvalidSchemaIsRejectedWithTheMetaSchemasReason() {
        assertThatThrownBy(() -> SchemaCheck.compile(json("{\"type\":\"objekt\"}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a valid JSON Schema").hasMessageContaining("$.type");
        assertThatThrownBy(() -> SchemaCheck.compile(json("{\"required\":\"answer\"}")))
                .hasMessageContaining("$.required: string found, array expected");
        assertThatThrownBy(() -> SchemaCheck.compile(json("[1]"))).hasMessageContaining("must be a JSON object");
    }

    @Test
    void theDialectNamedInDollarSchemaIsUsedAndUnknownOnesAreRejected() throws Exception {
        SchemaCheck draft7 = SchemaCheck.compile(json("{\"$schema\":\"http://json-schema.org/draft-07/schema#\","
                + "\"type\":\"object\",\"required\":[\"a\"]}"));
        assertThat(draft7.violations(json("{}"))).containsExactly("$: required property 'a' not found");
        assertThatThrownBy(() -> SchemaCheck.compile(json("{\"$schema\":\"https://example.invalid/dialect\"}")))
                .hasMessageContaining("not a dialect the validator knows");
    }

    @Test
    void remoteReferencesAreNeverFetched() {
        assertThatThrownBy(() -> SchemaCheck.compile(json("{\"properties\":{\"a\":{\"$ref\":\"https://example.invalid/a.json\"}}}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("example.invalid");
    }

    @Test
    void aTextReplyMatchingTheSchemaCompletesDespiteTheStructuredOutputError() throws Exception {
        var verdict = CompletionGate.judge(withSchema(SCHEMA), "ses_1", false, reply("{\"answer\":7}", null, NO_STRUCTURED_OUTPUT));
        assertThat(verdict).isInstanceOf(GateVerdict.Completed.class);
        assertThat(((GateVerdict.Completed) verdict).result().json().get("answer").asInt()).isEqualTo(7);
    }

    @Test
    void aTextReplyBreakingTheSchemaIsNotJsonWithTheReason() throws Exception {
        var verdict = (GateVerdict.Failed) CompletionGate.judge(withSchema(SCHEMA), "ses_1", false,
                reply("{\"answer\":\"seven\"}", null, NO_STRUCTURED_OUTPUT));
        assertThat(verdict.kind()).isEqualTo(FailureKind.ASSISTANT_OUTPUT_NOT_JSON);
        assertThat(verdict.message()).isEqualTo("the reply does not match the schema: $.answer: string found, integer expected");
    }

    @Test
    void proseInsteadOfStructuredOutputIsNotJson() throws Exception {
        var verdict = (GateVerdict.Failed) CompletionGate.judge(withSchema(SCHEMA), "ses_1", false,
                reply("I think it is seven.", null, NO_STRUCTURED_OUTPUT));
        assertThat(verdict.kind()).isEqualTo(FailureKind.ASSISTANT_OUTPUT_NOT_JSON);
        assertThat(verdict.message()).startsWith("the model produced no structured output and its text is not JSON");
    }

    @Test
    void aStructuredOutputErrorWithoutTextStaysTheServersVerdict() throws Exception {
        var verdict = (GateVerdict.Failed) CompletionGate.judge(withSchema(SCHEMA), "ses_1", false,
                reply(null, null, NO_STRUCTURED_OUTPUT));
        assertThat(verdict.kind()).isEqualTo(FailureKind.ASSISTANT_OUTPUT_NOT_JSON);
        assertThat(verdict.message()).contains("StructuredOutputError");
        assertThat(verdict.error().name()).isEqualTo("StructuredOutputError");
    }

    @Test
    void structuredOutputIsCheckedToo() throws Exception {
        assertThat(CompletionGate.judge(withSchema(SCHEMA), "ses_1", false, reply(null, "{\"answer\":1}", null)))
                .isInstanceOf(GateVerdict.Completed.class);
        var invalid = (GateVerdict.Failed) CompletionGate.judge(withSchema(SCHEMA), "ses_1", false,
                reply(null, "{\"note\":\"no answer\"}", null));
        assertThat(invalid.kind()).isEqualTo(FailureKind.ASSISTANT_OUTPUT_NOT_JSON);
        assertThat(invalid.message()).isEqualTo("the structured output does not match the schema: $: required property 'answer' not found");
    }

    @Test
    void theGateCallsAnInvalidSchemaAnInvalidTask() throws Exception {
        var verdict = (GateVerdict.Failed) CompletionGate.judge(withSchema("{\"type\":\"objekt\"}"), "ses_1", false,
                reply("{}", null, null));
        assertThat(verdict.kind()).isEqualTo(FailureKind.INVALID_TASK);
    }
}
