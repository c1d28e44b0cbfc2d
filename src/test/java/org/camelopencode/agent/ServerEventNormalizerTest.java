package org.camelopencode.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.camelopencode.agent.AgentEvent.MessageText;
import org.camelopencode.agent.AgentEvent.RunError;
import org.camelopencode.agent.AgentEvent.RunResult;
import org.camelopencode.agent.AgentEvent.SessionStarted;
import org.camelopencode.agent.AgentEvent.StepUsage;
import org.camelopencode.agent.AgentEvent.ToolFinished;
import org.camelopencode.agent.AgentEvent.ToolStarted;
import org.camelopencode.client.EventParser;
import org.camelopencode.client.OpenCodeEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link ServerEventNormalizer} fed with the recordings of real {@code GET /event} streams and with edge cases. */
class ServerEventNormalizerTest {

    private static final String READ_TOOL = "event-agent-read-tool.sse";
    private static final String MIXED = "event-mixed-scenarios.sse";

    @Test
    void theReadToolRecordingGivesOneEventPerThingTheAgentDid() {
        Map<String, List<AgentEvent>> bySession = RecordedEvents.normalizedBySession(READ_TOOL);
        assertThat(bySession).hasSize(1);
        List<AgentEvent> events = bySession.values().iterator().next();

        assertThat(events).extracting(event -> event.getClass().getSimpleName()).containsExactly(
                "SessionStarted", "ToolStarted", "ToolFinished", "StepUsage", "MessageText", "StepUsage", "RunResult");
        assertThat(events).allSatisfy(event -> assertThat(event.sessionId()).isEqualTo("ses_e03f3f634ffemKzy84LC8TApPi"));
        ToolStarted started = (ToolStarted) events.get(1);
        ToolFinished finished = (ToolFinished) events.get(2);
        assertThat(started.tool()).isEqualTo("read");
        assertThat(started.callId()).isEqualTo("call_cf0fcbee2fca4e7da719dd5a").isEqualTo(finished.callId());
        assertThat(started.input().get("filePath").asText()).endsWith("/project/agent-events-fixture.txt");
        assertThat(started.timestamp()).isBefore(finished.timestamp());
        assertThat(finished.status()).isEqualTo(ToolFinished.COMPLETED);
        assertThat(finished.output()).contains("1: alpha beta gamma");
        assertThat(finished.error()).isNull();
        assertThat(finished.input()).isEqualTo(started.input());
        StepUsage toolStep = (StepUsage) events.get(3);
        assertThat(toolStep.reason()).isEqualTo("tool-calls");
        assertThat(toolStep.tokens()).isEqualTo(new TokenUsage(2455, 22, 0, 0, 0));
        assertThat(toolStep.cost()).isZero();
        MessageText text = (MessageText) events.get(4);
        assertThat(text.text()).isEqualTo("The fixture says: alpha beta gamma.");
        assertThat(text.partId()).isEqualTo("prt_1fc0c1450001j3JTIIujVnl29Q");
        assertThat(text.messageId()).isEqualTo("msg_1fc0c13a1001zCNlvrO6vNgFU0");
        assertThat(((StepUsage) events.get(5)).tokens()).isEqualTo(new TokenUsage(2577, 9, 0, 0, 0));
        assertThat((RunResult) events.get(6)).isEqualTo(
                new RunResult("ses_e03f3f634ffemKzy84LC8TApPi", null, "The fixture says: alpha beta gamma.", 0));
    }

    @Test
    void theUserPromptPartsGiveNothing() {
        // the recording holds the prompt's text part (role user, no time.end) and many streamed updates
        List<OpenCodeEvent> recorded = RecordedEvents.serverEvents(READ_TOOL);
        assertThat(recorded).anySatisfy(event ->
                assertThat(event.properties().path("part").path("text").asText()).startsWith("AGENT-EVENTS-SRV"));
        List<AgentEvent> events = RecordedEvents.normalizedBySession(READ_TOOL).values().iterator().next();
        assertThat(events).noneSatisfy(event ->
                assertThat(event).isInstanceOfSatisfying(MessageText.class, text -> assertThat(text.text()).contains("AGENT-EVENTS")));

        // even a user text part that claims to be final is not the agent's text
        ServerEventNormalizer normalizer = new ServerEventNormalizer("ses_u");
        normalizer.accept(parse("{\"type\":\"message.updated\",\"properties\":{\"sessionID\":\"ses_u\","
                + "\"info\":{\"id\":\"msg_user\",\"role\":\"user\",\"sessionID\":\"ses_u\"}}}"));
        assertThat(normalizer.accept(textPart("ses_u", "msg_user", "prt_prompt", "do it", true))).isEmpty();
    }

    @Test
    void repeatedPartUpdatesGiveTheirEventsOnce() {
        List<OpenCodeEvent> recorded = RecordedEvents.serverEvents(READ_TOOL);
        String sessionId = "ses_e03f3f634ffemKzy84LC8TApPi";
        ServerEventNormalizer once = new ServerEventNormalizer(sessionId);
        ServerEventNormalizer twice = new ServerEventNormalizer(sessionId);
        List<AgentEvent> fromOnce = new ArrayList<>();
        List<AgentEvent> fromTwice = new ArrayList<>();
        for (OpenCodeEvent event : recorded) {
            fromOnce.addAll(once.accept(event));
            fromTwice.addAll(twice.accept(event));
            fromTwice.addAll(twice.accept(event));
        }
        assertThat(fromTwice).isEqualTo(fromOnce).hasSize(7);
    }

    @Test
    void aToolPartSeenOnlyWhenCompletedStillStartsBeforeItFinishes() {
        ServerEventNormalizer normalizer = new ServerEventNormalizer("ses_t");
        List<AgentEvent> events = normalizer.accept(parse("{\"type\":\"message.part.updated\",\"properties\":{\"sessionID\":\"ses_t\","
                + "\"part\":{\"id\":\"prt_t\",\"messageID\":\"msg_a\",\"sessionID\":\"ses_t\",\"type\":\"tool\",\"tool\":\"glob\","
                + "\"callID\":\"call_9\",\"state\":{\"status\":\"error\",\"input\":{\"pattern\":\"*.md\"},\"error\":\"boom\","
                + "\"time\":{\"start\":1000,\"end\":2000}}}}}"));

        assertThat(events).hasSize(3).first().isInstanceOf(SessionStarted.class);
        ToolStarted started = (ToolStarted) events.get(1);
        ToolFinished finished = (ToolFinished) events.get(2);
        assertThat(started.timestamp().toEpochMilli()).isEqualTo(1000);
        assertThat(finished.timestamp().toEpochMilli()).isEqualTo(2000);
        assertThat(finished.failed()).isTrue();
        assertThat(finished.error()).isEqualTo("boom");
        assertThat(finished.input().get("pattern").asText()).isEqualTo("*.md");
    }

    @Test
    void eventsOfOtherSessionsGiveNothing() {
        ServerEventNormalizer normalizer = new ServerEventNormalizer("ses_mine");
        assertThat(normalizer.accept(textPart("ses_other", "msg_o", "prt_o", "not mine", true))).isEmpty();
        assertThat(normalizer.accept(parse("{\"type\":\"server.heartbeat\",\"properties\":{}}"))).isEmpty();
        assertThat(normalizer.accept(textPart("ses_mine", "msg_m", "prt_m", "mine", true)))
                .extracting(AgentEvent::sessionId).containsOnly("ses_mine");
    }

    @Test
    void aSubscriberThatJoinsMidRunStillGetsTheRunResult() {
        ServerEventNormalizer normalizer = new ServerEventNormalizer("ses_late");
        List<AgentEvent> events = new ArrayList<>(normalizer.accept(textPart("ses_late", "msg_a", "prt_a", "late text", true)));
        events.addAll(normalizer.accept(parse("{\"type\":\"session.idle\",\"properties\":{\"sessionID\":\"ses_late\"}}")));
        events.addAll(normalizer.accept(parse("{\"type\":\"session.idle\",\"properties\":{\"sessionID\":\"ses_late\"}}")));

        assertThat(events).extracting(event -> event.getClass().getSimpleName())
                .containsExactly("SessionStarted", "MessageText", "RunResult");
        assertThat(((RunResult) events.get(2)).text()).isEqualTo("late text");
    }

    @Test
    void aRejectedPermissionIsAFailedToolCall() {
        // session "rejplain": bash under permission ask, rejected without a message; the turn stops
        List<AgentEvent> events = RecordedEvents.normalizedBySession(MIXED).get("ses_e04aab64effemJHAE0zTGk4CpN");
        assertThat(events).extracting(event -> event.getClass().getSimpleName())
                .containsExactly("SessionStarted", "ToolStarted", "ToolFinished", "StepUsage", "RunResult");
        ToolFinished bash = (ToolFinished) events.get(2);
        assertThat(bash.tool()).isEqualTo("bash");
        assertThat(bash.failed()).isTrue();
        assertThat(bash.error()).isEqualTo("The user rejected permission to use this specific tool call.");
        assertThat(((RunResult) events.get(4)).text()).isNull();
    }

    @Test
    void aRecoveredOverflowReportsTheErrorAndSumsEveryStep() {
        // session "OVERFLOW": the provider refuses with context_length_exceeded, OpenCode compacts and answers
        List<AgentEvent> events = RecordedEvents.normalizedBySession(MIXED).get("ses_e04abab2dffeez8gbRqB6BnRam");
        assertThat(events).extracting(event -> event.getClass().getSimpleName()).containsExactly("SessionStarted",
                "RunError", "MessageText", "StepUsage", "MessageText", "StepUsage", "RunResult");
        assertThat(((RunError) events.get(1)).name()).isEqualTo("ContextOverflowError");
        assertThat(((RunError) events.get(1)).message()).startsWith("This model's maximum context length is 8192 tokens");
        RunResult result = (RunResult) events.get(6);
        assertThat(result.errors()).isEqualTo(1);
        assertThat(result.text()).startsWith("hello from mock: The previous request exceeded");
    }

    @Test
    void repeatedIdleEventsAfterAnErrorEndTheRunOnce() {
        // a 429 retried five times: session.error, then two idle pairs (the second after the final message.updated)
        List<AgentEvent> events = RecordedEvents.normalizedBySession(MIXED).get("ses_e04ab753dffe1exc44iLHjCi1h");
        assertThat(events).containsExactly(new SessionStarted("ses_e04ab753dffe1exc44iLHjCi1h", null),
                new RunError("ses_e04ab753dffe1exc44iLHjCi1h", null, "APIError", "Too many requests"),
                new RunResult("ses_e04ab753dffe1exc44iLHjCi1h", null, null, 1));
    }

    @Test
    void theLastPartsOfAnAbortedTurnFollowItsRunResult() {
        // the server ends the text part of an aborted turn only after session.idle
        List<AgentEvent> events = RecordedEvents.normalizedBySession(MIXED).get("ses_e04aa4703ffeOahuNSCJC2Jm0l");
        assertThat(events).extracting(event -> event.getClass().getSimpleName())
                .containsExactly("SessionStarted", "RunError", "RunResult", "MessageText");
        assertThat(((RunError) events.get(1)).name()).isEqualTo("MessageAbortedError");
        assertThat(((MessageText) events.get(3)).text()).isEqualTo("slow re");
    }

    /**
     * Every session of every recording, checked against an independent scan of the raw frames: one start first,
     * one text per assistant text part that ended, one usage per step-finish part, one error per session.error,
     * each tool call started once before it finished once.
     */
    @ParameterizedTest
    @ValueSource(strings = {"event-errors-401-ctx-503-429.sse", MIXED, "event-permission-question.sse", READ_TOOL})
    void everyRecordedSessionMatchesAnIndependentScanOfItsFrames(String recording) {
        List<OpenCodeEvent> recorded = RecordedEvents.serverEvents(recording);
        Map<String, List<AgentEvent>> bySession = RecordedEvents.normalizedBySession(recording);
        assertThat(bySession).isNotEmpty();
        bySession.forEach((sessionId, events) -> {
            assertThat(events.get(0)).isEqualTo(new SessionStarted(sessionId, null));
            assertThat(all(events, SessionStarted.class)).hasSize(1);
            assertThat(all(events, MessageText.class)).extracting(MessageText::partId)
                    .containsExactlyInAnyOrderElementsOf(partIds(recorded, sessionId, "text", true));
            assertThat(all(events, StepUsage.class)).hasSize(partIds(recorded, sessionId, "step-finish", false).size());
            assertThat(all(events, RunError.class)).hasSize((int) recorded.stream()
                    .filter(event -> "session.error".equals(event.type()) && sessionId.equals(event.sessionId())).count());
            List<String> started = all(events, ToolStarted.class).stream().map(ToolStarted::callId).toList();
            List<String> finished = all(events, ToolFinished.class).stream().map(ToolFinished::callId).toList();
            assertThat(started).doesNotHaveDuplicates().containsAll(finished);
            for (String callId : finished) {
                assertThat(indexOf(events, ToolStarted.class, callId)).isLessThan(indexOf(events, ToolFinished.class, callId));
            }
        });
    }

    private static Set<String> partIds(List<OpenCodeEvent> recorded, String sessionId, String type, boolean ended) {
        Set<String> userMessages = new HashSet<>();
        Set<String> ids = new HashSet<>();
        for (OpenCodeEvent event : recorded) {
            if (!sessionId.equals(event.sessionId())) {
                continue;
            }
            JsonNode info = event.properties().path("info");
            if ("message.updated".equals(event.type()) && "user".equals(info.path("role").asText())) {
                userMessages.add(info.path("id").asText());
            }
            JsonNode part = event.properties().path("part");
            if ("message.part.updated".equals(event.type()) && type.equals(part.path("type").asText())
                    && !userMessages.contains(part.path("messageID").asText())
                    && (!ended || part.path("time").has("end"))) {
                ids.add(part.path("id").asText());
            }
        }
        return ids;
    }

    private static int indexOf(List<AgentEvent> events, Class<? extends AgentEvent> type, String callId) {
        for (int index = 0; index < events.size(); index++) {
            AgentEvent event = events.get(index);
            String eventCallId = event instanceof ToolStarted started ? started.callId()
                    : event instanceof ToolFinished toolFinished ? toolFinished.callId() : null;
            if (type.isInstance(event) && callId.equals(eventCallId)) {
                return index;
            }
        }
        return -1;
    }

    static <T extends AgentEvent> List<T> all(List<AgentEvent> events, Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static OpenCodeEvent parse(String json) {
        return new EventParser().parse(json);
    }

    private static OpenCodeEvent textPart(String sessionId, String messageId, String partId, String text, boolean ended) {
        String time = ended ? "{\"start\":1,\"end\":2}" : "{\"start\":1}";
        return parse("{\"type\":\"message.part.updated\",\"properties\":{\"sessionID\":\"" + sessionId + "\",\"part\":{\"id\":\""
                + partId + "\",\"messageID\":\"" + messageId + "\",\"sessionID\":\"" + sessionId + "\",\"type\":\"text\",\"text\":\""
                + text + "\",\"time\":" + time + "}}}");
    }
}
