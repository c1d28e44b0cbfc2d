package org.camelopencode.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.camelopencode.agent.AgentRunSummary;
import org.camelopencode.client.MessageError;
import org.camelopencode.client.MessageWithParts;
import org.camelopencode.client.OpenCodeJson;
import org.camelopencode.failure.FailureKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link GateStep} as a table, without HTTP: a snapshot, the messages read and the latest rejection in, the decision out.
 * Every failure kind the step can produce has a row; {@link #everyFailureKindHasARowOrIsProducedElsewhere} keeps it so.
 */
class GateStepTest {

    private static final Duration SETTLE = Duration.ofSeconds(15);
    private static final long NOW = 1_000_000_000_000L;
    private static final DispatchRequest TEXT = DispatchRequest.of("do it", Duration.ofMinutes(1));
    private static final DispatchRequest JSON = json(DispatchLimits.DEFAULTS);
    private static final DispatchRequest SCHEMA = new DispatchRequest("do it", null, null, null, "t", false,
            tree("{\"type\":\"object\",\"required\":[\"answer\"]}"), Duration.ofMinutes(1), null, null, 1);
    private static final DispatchRequest CAPPED = TEXT.withLimits(new DispatchLimits(10L, null, 1));

    private static final String USER = "{\"info\":{\"id\":\"msg_u\",\"sessionID\":\"ses_1\",\"role\":\"user\",\"time\":{\"created\":1}},"
            + "\"parts\":[{\"id\":\"p0\",\"type\":\"text\",\"text\":\"do it\"}]}";
    private static final String USER_2 = USER.replace("msg_u", "msg_u2");
    private static final String REPLY = assistant("msg_a", "", "hello");
    private static final String PROSE = assistant("msg_a", "", "Sure! Here it is.");
    private static final String PROSE_AGAIN = assistant("msg_b", "", "Still prose.");
    private static final String JSON_REPLY = assistant("msg_b", "", "{\\\"answer\\\":42}");
    private static final String EMPTY = assistant("msg_a", "", "");
    private static final String NOT_COMPLETED = assistant("msg_a", "", "hel").replace(",\"completed\":3", "");

    private static final InterruptionHandler.Rejection REJECTION = new InterruptionHandler.Rejection(
            tree("{\"id\":\"per_1\",\"permission\":\"bash\"}"), "the agent asked for permission 'bash' [rm], rejected by rule 'bash=reject'");

    private static DispatchRequest json(DispatchLimits limits) {
        return new DispatchRequest("do it", null, null, null, "t", true, null, Duration.ofMinutes(1), null, null, 1, null, limits);
    }

    private static JsonNode tree(String json) {
        try {
            return OpenCodeJson.mapper().readTree(json);
        } catch (Exception invalid) {
            throw new IllegalArgumentException(invalid);
        }
    }

    /** A completed assistant message (8 input + 8 output tokens); {@code error} is the info's error JSON or "". */
    private static String assistant(String id, String error, String text) {
        return "{\"info\":{\"id\":\"" + id + "\",\"sessionID\":\"ses_1\",\"role\":\"assistant\",\"modelID\":\"echo\","
                + "\"providerID\":\"mock\",\"cost\":0.5,\"tokens\":{\"input\":8,\"output\":8,\"reasoning\":0,"
                + "\"cache\":{\"read\":0,\"write\":0}},\"time\":{\"created\":2,\"completed\":3}"
                + (error.isEmpty() ? ",\"finish\":\"stop\"" : ",\"error\":" + error) + "},"
                + "\"parts\":[{\"id\":\"p_" + id + "\",\"type\":\"text\",\"text\":\"" + text + "\"}]}";
    }

    private static String failedWith(String errorJson) {
        return assistant("msg_a", errorJson, "");
    }

    private static String apiError(int status, String message) {
        return "{\"name\":\"APIError\",\"data\":{\"message\":\"" + message + "\",\"statusCode\":" + status + ",\"isRetryable\":"
                + (status >= 429) + "}}";
    }

    private static List<MessageWithParts> messages(String... json) {
        try {
            return OpenCodeJson.mapper().readValue("[" + String.join(",", json) + "]", new TypeReference<>() { });
        } catch (Exception invalid) {
            throw new IllegalArgumentException(invalid);
        }
    }

    /** What the run knows: idle for {@code idleFor} (null = not idle), the last session error, the JSON retries used. */
    private static GateSnapshot snapshot(Duration idleFor, String sessionError, JsonRetries retries) {
        MessageError error = sessionError == null ? null : OpenCodeJson.mapper().convertValue(tree(sessionError), MessageError.class);
        long idleSince = idleFor == null ? GateSnapshot.NOT_IDLE : NOW - idleFor.toNanos();
        return new GateSnapshot(idleSince, false, null, error, EventTranscript.EMPTY, AgentRunSummary.EMPTY, retries);
    }

    private static final GateSnapshot JUST_IDLE = snapshot(Duration.ofSeconds(1), null, JsonRetries.NONE);
    private static final GateSnapshot IDLE_PAST_SETTLE = snapshot(Duration.ofSeconds(20), null, JsonRetries.NONE);
    private static final JsonRetries ONE_SENT = new JsonRetries(1, "msg_a");

    /**
     * One row of the table.
     *
     * @param name what the row shows
     * @param request the attempt
     * @param mode fresh or re-attached
     * @param snapshot what the run knows
     * @param messages what the server lists
     * @param rejection the latest rejection, or null
     * @param decision the expected decision's type
     * @param kind the expected failure kind (Fail; PROVIDER_UNAVAILABLE for Lost), or null
     * @param messagePart a part of the expected message or reason
     */
    record Row(String name, DispatchRequest request, RunMode mode, GateSnapshot snapshot, List<MessageWithParts> messages,
            InterruptionHandler.Rejection rejection, Class<? extends GateDecision> decision, FailureKind kind, String messagePart) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Row fails(String name, DispatchRequest request, RunMode mode, GateSnapshot snapshot, List<MessageWithParts> messages,
            InterruptionHandler.Rejection rejection, FailureKind kind, String messagePart) {
        return new Row(name, request, mode, snapshot, messages, rejection, GateDecision.Fail.class, kind, messagePart);
    }

    static Stream<Row> table() {
        RunMode fresh = RunMode.FRESH;
        return Stream.of(
                new Row("a complete text reply completes", TEXT, fresh, JUST_IDLE, messages(USER, REPLY), null,
                        GateDecision.Complete.class, null, "hello"),
                new Row("a rejection does not fail a reply that came", TEXT, fresh, JUST_IDLE, messages(USER, REPLY), REJECTION,
                        GateDecision.Complete.class, null, "hello"),
                new Row("JSON after a stricter retry completes", JSON, fresh, JUST_IDLE.afterStricterPrompt("msg_a").seenIdle(NOW),
                        messages(USER, PROSE, USER_2, JSON_REPLY), null, GateDecision.Complete.class, null, "answer"),
                fails("a complete reply over the token cap", CAPPED, fresh, JUST_IDLE, messages(USER, REPLY), null,
                        FailureKind.BUDGET_EXCEEDED, "over the cap maxTokens=10"),
                new Row("the first reply that is not JSON asks again", JSON, fresh, JUST_IDLE, messages(USER, PROSE), null,
                        GateDecision.AskAgainForJson.class, null, "Sure! Here it is."),
                new Row("a schema reply without structured output asks again", SCHEMA, fresh, JUST_IDLE,
                        messages(USER, failedWith("{\"name\":\"StructuredOutputError\",\"data\":{\"message\":\"no\",\"retries\":2}}")),
                        null, GateDecision.AskAgainForJson.class, null, "StructuredOutputError"),
                new Row("a re-attached reply that is not JSON asks again too", JSON, RunMode.REATTACHED, JUST_IDLE,
                        messages(USER, PROSE), null, GateDecision.AskAgainForJson.class, null, "Sure! Here it is."),
                fails("not JSON after the retry budget says so", JSON, fresh, snapshot(Duration.ofSeconds(1), null, ONE_SENT),
                        messages(USER, PROSE, USER_2, PROSE_AGAIN), null, FailureKind.ASSISTANT_OUTPUT_NOT_JSON,
                        "\"Still prose.\" (after 1 stricter JSON retry in the same session)"),
                fails("not JSON after two retries counts them", json(new DispatchLimits(null, null, 2)), fresh,
                        snapshot(Duration.ofSeconds(1), null, new JsonRetries(2, "msg_a")), messages(USER, PROSE, USER_2, PROSE_AGAIN),
                        null, FailureKind.ASSISTANT_OUTPUT_NOT_JSON, "(after 2 stricter JSON retries in the same session)"),
                fails("not JSON without a retry budget fails at once", json(new DispatchLimits(null, null, 0)), fresh, JUST_IDLE,
                        messages(USER, PROSE), null, FailureKind.ASSISTANT_OUTPUT_NOT_JSON, "JSON was expected but the reply is not JSON"),
                new Row("the rejected reply alone is not judged again", JSON, fresh, snapshot(Duration.ofSeconds(1), null, ONE_SENT),
                        messages(USER, PROSE), null, GateDecision.Settle.class, null, "no assistant message yet"),
                fails("an empty reply misses its text part", TEXT, fresh, JUST_IDLE, messages(USER, EMPTY), null,
                        FailureKind.ASSISTANT_OUTPUT_MISSING_TEXT_PART, "no non-empty text part"),
                fails("a rejection that ended the turn is request_rejected", TEXT, fresh, JUST_IDLE, messages(USER, EMPTY), REJECTION,
                        FailureKind.REQUEST_REJECTED, "rejected by rule 'bash=reject', and the turn ended without a reply"),
                fails("a provider 429 is rate_limited", TEXT, fresh, JUST_IDLE, messages(USER, failedWith(apiError(429, "Too Many Requests"))),
                        null, FailureKind.RATE_LIMITED, "APIError 429"),
                fails("a provider 503 is provider_unavailable", TEXT, fresh, JUST_IDLE,
                        messages(USER, failedWith(apiError(503, "Service Unavailable"))), null, FailureKind.PROVIDER_UNAVAILABLE, "APIError 503"),
                fails("a provider 401 is auth_failed", TEXT, fresh, JUST_IDLE, messages(USER, failedWith(apiError(401, "bad key"))), null,
                        FailureKind.AUTH_FAILED, "APIError 401"),
                fails("a context overflow", TEXT, fresh, JUST_IDLE,
                        messages(USER, failedWith("{\"name\":\"ContextOverflowError\",\"data\":{\"message\":\"too long\"}}")), null,
                        FailureKind.CONTEXT_OVERFLOW, "ContextOverflowError"),
                fails("an abort nobody here asked for is aborted", TEXT, fresh, JUST_IDLE,
                        messages(USER, failedWith("{\"name\":\"MessageAbortedError\",\"data\":{\"message\":\"aborted\"}}")), null,
                        FailureKind.ABORTED, "MessageAbortedError"),
                fails("an unknown error is agent_error", TEXT, fresh, JUST_IDLE,
                        messages(USER, failedWith("{\"name\":\"UnknownError\",\"data\":{\"message\":\"boom\"}}")), null,
                        FailureKind.AGENT_ERROR, "UnknownError: boom"),
                new Row("idle within the settle time settles", TEXT, fresh, JUST_IDLE, messages(USER, NOT_COMPLETED), null,
                        GateDecision.Settle.class, null, "latest assistant message not completed"),
                new Row("busy again since the look settles", TEXT, fresh, snapshot(null, null, JsonRetries.NONE), messages(USER), null,
                        GateDecision.Settle.class, null, "no assistant message yet"),
                fails("idle past the settle time without a reply is agent_error", TEXT, fresh, IDLE_PAST_SETTLE,
                        messages(USER, NOT_COMPLETED), null, FailureKind.AGENT_ERROR,
                        "the session went idle but latest assistant message not completed"),
                fails("idle past the settle time takes the session error", TEXT, fresh,
                        snapshot(Duration.ofSeconds(20), apiError(429, "Rate limit reached"), JsonRetries.NONE), messages(USER), null,
                        FailureKind.RATE_LIMITED, "APIError 429: Rate limit reached"),
                new Row("re-attached and idle past the settle time is lost", TEXT, RunMode.REATTACHED, IDLE_PAST_SETTLE,
                        messages(USER), null, GateDecision.Lost.class, FailureKind.PROVIDER_UNAVAILABLE,
                        "lost: session ses_1 is idle without a final reply (no assistant message yet)"),
                new Row("re-attached with a failed reply is lost", TEXT, RunMode.REATTACHED, JUST_IDLE, messages(USER, EMPTY), null,
                        GateDecision.Lost.class, FailureKind.PROVIDER_UNAVAILABLE, "its turn ended with the runner or server that started it"),
                fails("re-attached unprompted (this run sent the prompt) and idle without a reply is the agent's failure, not lost",
                        TEXT, RunMode.REATTACHED_UNPROMPTED, IDLE_PAST_SETTLE, messages(USER, NOT_COMPLETED), null,
                        FailureKind.AGENT_ERROR, "the session went idle but latest assistant message not completed"),
                fails("re-attached unprompted with a failed reply takes its error", TEXT, RunMode.REATTACHED_UNPROMPTED, JUST_IDLE,
                        messages(USER, failedWith(apiError(401, "bad key"))), null, FailureKind.AUTH_FAILED, "APIError 401"),
                new Row("re-attached unprompted with a reply completes", TEXT, RunMode.REATTACHED_UNPROMPTED, JUST_IDLE,
                        messages(USER, REPLY), null, GateDecision.Complete.class, null, "hello"),
                fails("re-attached after its own stricter prompt is judged, not lost", JSON, RunMode.REATTACHED,
                        snapshot(Duration.ofSeconds(1), null, ONE_SENT), messages(USER, PROSE, USER_2, PROSE_AGAIN), null,
                        FailureKind.ASSISTANT_OUTPUT_NOT_JSON, "(after 1 stricter JSON retry"));
    }

    private static GateDecision decide(Row row) {
        return new GateStep(row.request(), "ses_1", schemaOf(row.request()), row.mode(), SETTLE)
                .decide(row.snapshot(), row.messages(), row.rejection(), NOW);
    }

    private static SchemaCheck schemaOf(DispatchRequest request) {
        return request.schema() == null ? null : SchemaCheck.compile(request.schema());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void decides(Row row) {
        GateDecision decision = decide(row);

        assertThat(decision).isInstanceOf(row.decision());
        if (decision instanceof GateDecision.Fail failed) {
            assertThat(failed.kind()).isEqualTo(row.kind());
            assertThat(failed.message()).contains(row.messagePart());
        } else if (decision instanceof GateDecision.Lost lost) {
            assertThat(lost.message()).contains(row.messagePart());
        } else if (decision instanceof GateDecision.Complete complete) {
            assertThat(complete.result().text()).contains(row.messagePart());
        } else if (decision instanceof GateDecision.AskAgainForJson ask) {
            assertThat(ask.reason()).contains(row.messagePart());
            assertThat(ask.rejectedReplyId()).isEqualTo("msg_a");
        } else if (decision instanceof GateDecision.Settle settle) {
            assertThat(settle.reason()).isEqualTo(row.messagePart());
        }
    }

    @Test
    void everyFailureKindHasARowOrIsProducedElsewhere() {
        Set<FailureKind> elsewhere = EnumSet.of(
                FailureKind.PENDING_PERMISSION, FailureKind.PENDING_QUESTION, // InterruptionHandler, when nobody answers
                FailureKind.TIMEOUT, // AttemptDeadline (AttemptDeadlineTest)
                FailureKind.INVALID_TASK); // the run, when the request's schema does not compile
        Set<FailureKind> covered = EnumSet.noneOf(FailureKind.class);
        table().map(Row::kind).filter(kind -> kind != null).forEach(covered::add);

        assertThat(covered).doesNotContainAnyElementsOf(elsewhere);
        List<FailureKind> missing = new ArrayList<>(EnumSet.complementOf(EnumSet.copyOf(covered)));
        missing.removeAll(elsewhere);
        assertThat(missing).as("failure kinds without a row").isEmpty();
    }

    @Test
    void aFailureFromTheServerKeepsItsErrorForTheRetryTimeAndARejectionItsRequest() {
        Row rateLimited = table().filter(row -> row.name().equals("a provider 429 is rate_limited")).findFirst().orElseThrow();
        Row sessionError = table().filter(row -> row.name().equals("idle past the settle time takes the session error")).findFirst()
                .orElseThrow();
        Row rejected = table().filter(row -> row.name().equals("a rejection that ended the turn is request_rejected")).findFirst()
                .orElseThrow();

        assertThat(((GateDecision.Fail) decide(rateLimited)).error().statusCode()).isEqualTo(429);
        assertThat(((GateDecision.Fail) decide(sessionError)).error().statusCode()).isEqualTo(429);
        GateDecision.Fail rejection = (GateDecision.Fail) decide(rejected);
        assertThat(rejection.request().path("id").asText()).isEqualTo("per_1");
        assertThat(rejection.error()).isNull();
    }

    @Test
    void aCompletedResultCountsEveryMessageReadIncludingTheRejectedReply() {
        GateDecision decision = new GateStep(JSON, "ses_1", null, RunMode.FRESH, SETTLE)
                .decide(snapshot(Duration.ofSeconds(1), null, ONE_SENT), messages(USER, PROSE, USER_2, JSON_REPLY), null, NOW);

        DispatchResult result = ((GateDecision.Complete) decision).result();
        assertThat(result.messageId()).isEqualTo("msg_b");
        assertThat(result.tokens().total()).isEqualTo(32);
        assertThat(result.cost()).isEqualTo(1.0);
    }

    @Test
    void fromEventsOnlyACompletedVerdictCounts() {
        GateStep step = new GateStep(TEXT, "ses_1", null, RunMode.FRESH, SETTLE);
        GateStep capped = new GateStep(CAPPED, "ses_1", null, RunMode.FRESH, SETTLE);

        assertThat(step.decideFromEvents(JUST_IDLE, messages(USER, REPLY))).get().isInstanceOf(GateDecision.Complete.class);
        assertThat(capped.decideFromEvents(JUST_IDLE, messages(USER, REPLY))).get()
                .satisfies(decision -> assertThat(((GateDecision.Fail) decision).kind()).isEqualTo(FailureKind.BUDGET_EXCEEDED));
        assertThat(step.decideFromEvents(JUST_IDLE, messages(USER, EMPTY))).isEqualTo(Optional.empty());
        assertThat(step.decideFromEvents(JUST_IDLE, messages(USER, NOT_COMPLETED))).isEqualTo(Optional.empty());
    }
}
