package org.camelopencode.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import org.camelopencode.agent.AgentRunSummary;
import org.camelopencode.client.EventParser;
import org.camelopencode.client.OpenCodeEvent;
import org.camelopencode.client.SessionStatus;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** {@link GateSnapshot}: what each event and read makes of the run's knowledge, and which events ask the gate to look. */
class GateSnapshotTest {

    private static final long EARLIER = 1_000L;
    private static final long NOW = 5_000L;
    private static final EventParser PARSER = new EventParser();
    private static final GateSnapshot NOTHING = GateSnapshot.initial(EventTranscript.EMPTY);
    private static final GateSnapshot IDLE = NOTHING.seenIdle(EARLIER);

    private static OpenCodeEvent event(String type, String properties) {
        return PARSER.parse("{\"id\":\"evt\",\"type\":\"" + type + "\",\"properties\":{\"sessionID\":\"ses_1\"" + properties + "}}");
    }

    private static OpenCodeEvent assistantUpdated(boolean completed) {
        return event("message.updated", ",\"info\":{\"id\":\"msg_a\",\"sessionID\":\"ses_1\",\"role\":\"assistant\",\"time\":{\"created\":1"
                + (completed ? ",\"completed\":2" : "") + "}}");
    }

    private static OpenCodeEvent byName(String name) {
        return switch (name) {
            case "idle" -> event("session.idle", "");
            case "status idle" -> event("session.status", ",\"status\":{\"type\":\"idle\"}");
            case "status busy" -> event("session.status", ",\"status\":{\"type\":\"busy\"}");
            case "status retry" -> event("session.status", ",\"status\":{\"type\":\"retry\",\"attempt\":2,\"message\":\"Overloaded\"}");
            case "completed reply" -> assistantUpdated(true);
            case "reply in progress" -> assistantUpdated(false);
            case "session error" -> event("session.error", ",\"error\":{\"name\":\"APIError\",\"data\":{\"message\":\"x\",\"statusCode\":503}}");
            default -> throw new IllegalArgumentException(name);
        };
    }

    @ParameterizedTest(name = "{1} when {0}: reports idle {2}, idle since {3}, reported {4}")
    @CsvSource({
            // before,   event,              reportsIdle, idleSince, reported
            "busy,       idle,               true,        NOW,       true",
            "idle,       idle,               true,        EARLIER,   true",
            "busy,       status idle,        true,        NOW,       true",
            "idle,       status busy,        false,       NOT_IDLE,  false",
            "idle,       status retry,       false,       NOT_IDLE,  false",
            "idle,       completed reply,    true,        EARLIER,   true",
            "busy,       completed reply,    false,       NOT_IDLE,  false",
            "idle,       reply in progress,  false,       EARLIER,   false",
            "busy,       session error,      false,       NOT_IDLE,  false"})
    void eachEventMovesTheSnapshot(String before, String eventName, boolean reportsIdle, String idleSince, boolean reported) {
        GateSnapshot start = before.equals("idle") ? IDLE : NOTHING;
        OpenCodeEvent event = byName(eventName);

        GateSnapshot after = start.withEvent(event, AgentRunSummary.EMPTY, NOW);

        assertThat(start.reportsIdle(event)).isEqualTo(reportsIdle);
        assertThat(after.idleSinceNanos()).isEqualTo(switch (idleSince) {
            case "NOW" -> NOW;
            case "EARLIER" -> EARLIER;
            default -> GateSnapshot.NOT_IDLE;
        });
        assertThat(after.idleReportedByEvent()).isEqualTo(reported);
    }

    @Test
    void statusesAndSessionErrorsAreKeptAndAStricterPromptStartsANewTurn() {
        GateSnapshot retrying = IDLE.withEvent(byName("status retry"), AgentRunSummary.EMPTY, NOW);
        GateSnapshot failed = retrying.withEvent(byName("session error"), AgentRunSummary.EMPTY, NOW);
        GateSnapshot reported = failed.withEvent(byName("idle"), AgentRunSummary.EMPTY, NOW);

        assertThat(retrying.latestStatus().isRetry()).isTrue();
        assertThat(failed.lastSessionError().statusCode()).isEqualTo(503);
        GateSnapshot asked = reported.afterStricterPrompt("msg_a");
        assertThat(asked.idle()).isFalse();
        assertThat(asked.idleReportedByEvent()).isFalse();
        assertThat(asked.lastSessionError()).isNull();
        assertThat(asked.jsonRetries()).isEqualTo(new JsonRetries(1, "msg_a"));
        assertThat(reported.withoutIdleReport().idleReportedByEvent()).isFalse();
    }

    @Test
    void aPolledStatusMovesIdleButNotTheEventsReportAndAMissedEventEmptiesTheTranscript() {
        GateSnapshot reported = NOTHING.withEvent(byName("idle"), AgentRunSummary.EMPTY, EARLIER);

        assertThat(reported.withPolledStatus(new SessionStatus("busy", null, null, null), NOW).idle()).isFalse();
        assertThat(reported.withPolledStatus(SessionStatus.idle(), NOW).idleSinceNanos()).isEqualTo(EARLIER);
        assertThat(NOTHING.withPolledStatus(SessionStatus.idle(), NOW).idleSinceNanos()).isEqualTo(NOW);
        assertThat(reported.withPolledStatus(SessionStatus.idle(), NOW).idleReportedByEvent()).isTrue();
        assertThat(reported.transcript().messages()).isPresent();
        assertThat(reported.withMissedEvents().transcript().messages()).isEmpty();
        assertThat(GateSnapshot.initial(RunMode.REATTACHED.initialTranscript()).transcript().messages())
                .as("a re-attached run never judges from events").isEmpty();
    }
}
