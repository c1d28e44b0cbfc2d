package org.camelopencode.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.camelopencode.agent.ServerEventNormalizerTest.all;

import java.util.ArrayList;
import java.util.List;
import org.camelopencode.agent.AgentEvent.MessageText;
import org.camelopencode.agent.AgentEvent.RunError;
import org.camelopencode.agent.AgentEvent.RunResult;
import org.camelopencode.agent.AgentEvent.SessionStarted;
import org.camelopencode.agent.AgentEvent.StepUsage;
import org.camelopencode.agent.AgentEvent.ToolFinished;
import org.camelopencode.agent.AgentEvent.ToolStarted;
import org.junit.jupiter.api.Test;

/** {@link CliEventNormalizer} fed with recorded {@code opencode run --format json} output and with broken lines. */
class CliEventNormalizerTest {

    private static final String SESSION = "ses_e04ad75ecffedVpLIm4FcjQQJ7";
    private static final String ERROR_LINE = "{\"type\":\"error\",\"timestamp\":1795217853300,\"sessionID\":\"" + SESSION
            + "\",\"error\":{\"name\":\"APIError\",\"data\":{\"message\":\"Incorrect API key provided\",\"statusCode\":401}}}";

    @Test
    void aPlainTextRunGivesItsTextUsageAndResult() {
        List<AgentEvent> events = RecordedEvents.normalizedCliRun(RecordedEvents.lines("run-format-json.ndjson"));

        assertThat(events).extracting(event -> event.getClass().getSimpleName())
                .containsExactly("SessionStarted", "MessageText", "StepUsage", "RunResult");
        assertThat(events.get(0)).isEqualTo(new SessionStarted(SESSION, java.time.Instant.ofEpochMilli(1795217853181L)));
        MessageText text = (MessageText) events.get(1);
        assertThat(text.text()).isEqualTo("{\"ok\": true}");
        assertThat(text.timestamp().toEpochMilli()).as("the part's time.end").isEqualTo(1795217853174L);
        StepUsage usage = (StepUsage) events.get(2);
        assertThat(usage.reason()).isEqualTo("stop");
        assertThat(usage.tokens()).isEqualTo(new TokenUsage(10, 5, 0, 0, 0));
        assertThat(usage.timestamp().toEpochMilli()).as("the line's timestamp").isEqualTo(1795217853235L);
        assertThat(events.get(3)).isEqualTo(new RunResult(SESSION, java.time.Instant.ofEpochMilli(1795217853235L),
                "{\"ok\": true}", 0));
    }

    /** The two recordings come from one run of AgentEventsIntegrationTest: the same scenario on both sources. */
    @Test
    void theRecordedCliRunAgreesWithTheRecordedServerRunOfTheSameScenario() {
        List<AgentEvent> cli = RecordedEvents.normalizedCliRun(RecordedEvents.lines("run-format-json-read-tool.ndjson"));
        List<AgentEvent> server = RecordedEvents.normalizedBySession("event-agent-read-tool.sse").values().iterator().next();

        assertThat(cli).extracting(event -> event.getClass().getSimpleName())
                .isEqualTo(server.stream().map(event -> event.getClass().getSimpleName()).toList());
        ToolFinished cliRead = all(cli, ToolFinished.class).get(0);
        ToolFinished serverRead = all(server, ToolFinished.class).get(0);
        assertThat(cliRead.tool()).isEqualTo(serverRead.tool()).isEqualTo("read");
        assertThat(cliRead.status()).isEqualTo(serverRead.status()).isEqualTo(ToolFinished.COMPLETED);
        assertThat(cliRead.input()).isEqualTo(serverRead.input());
        assertThat(cliRead.output()).isEqualTo(serverRead.output());
        assertThat(all(cli, ToolStarted.class).get(0).input()).isEqualTo(cliRead.input());
        assertThat(all(cli, MessageText.class)).extracting(MessageText::text)
                .isEqualTo(all(server, MessageText.class).stream().map(MessageText::text).toList());
        AgentRunTally cliTally = new AgentRunTally();
        cliTally.acceptAll(cli);
        AgentRunTally serverTally = new AgentRunTally();
        serverTally.acceptAll(server);
        assertThat(cliTally.snapshot().tokens()).isEqualTo(serverTally.snapshot().tokens())
                .isEqualTo(new TokenUsage(2455 + 2577, 22 + 9, 0, 0, 0));
        assertThat(cliTally.snapshot().cost()).isEqualTo(serverTally.snapshot().cost());
    }

    @Test
    void malformedLinesBecomeRunErrorsAndTheRunGoesOn() {
        List<String> lines = new ArrayList<>(RecordedEvents.lines("run-format-json.ndjson"));
        lines.add(1, "{\"type\":\"text\",\"timestamp\":1,\"sessio");
        lines.add(2, "[1,2,3]");
        lines.add(3, "{\"timestamp\":1}");
        lines.add(4, "{\"type\":42}");
        lines.add(5, "{\"type\":\"tool_use\",\"timestamp\":1,\"sessionID\":\"" + SESSION + "\"}");
        lines.add(6, "");

        List<AgentEvent> events = RecordedEvents.normalizedCliRun(lines);

        List<RunError> errors = all(events, RunError.class);
        assertThat(errors).extracting(RunError::name).containsOnly(RunError.MALFORMED_LINE);
        assertThat(errors).extracting(RunError::message).containsExactly(
                "opencode run line 2 is not valid JSON: {\"type\":\"text\",\"timestamp\":1,\"sessio",
                "opencode run line 3 is not a JSON object with a string type: [1,2,3]",
                "opencode run line 4 is not a JSON object with a string type: {\"timestamp\":1}",
                "opencode run line 5 is not a JSON object with a string type: {\"type\":42}",
                "opencode run line 6 has no part object: {\"type\":\"tool_use\",\"timestamp\":1,\"sessionID\":\"" + SESSION + "\"}");
        assertThat(errors).extracting(RunError::sessionId).containsOnly(SESSION);
        assertThat(all(events, MessageText.class)).extracting(MessageText::text).containsExactly("{\"ok\": true}");
        assertThat(all(events, StepUsage.class)).hasSize(1);
        assertThat(all(events, RunResult.class)).singleElement().satisfies(result -> assertThat(result.errors()).isEqualTo(5));
    }

    @Test
    void aMalformedFirstLineHasNoSessionYet() {
        CliEventNormalizer normalizer = new CliEventNormalizer();
        List<AgentEvent> events = normalizer.accept("not json at all");
        assertThat(events).singleElement().isInstanceOfSatisfying(RunError.class, error -> {
            assertThat(error.sessionId()).isNull();
            assertThat(error.message()).contains("line 1").contains("not json at all");
        });
        assertThat(normalizer.finish()).singleElement().isEqualTo(new RunResult(null, null, null, 1));
    }

    @Test
    void anErrorLineIsARunError() {
        CliEventNormalizer normalizer = new CliEventNormalizer();
        List<AgentEvent> events = new ArrayList<>(normalizer.accept(ERROR_LINE));
        events.addAll(normalizer.finish());

        assertThat(events).containsExactly(new SessionStarted(SESSION, java.time.Instant.ofEpochMilli(1795217853300L)),
                new RunError(SESSION, java.time.Instant.ofEpochMilli(1795217853300L), "APIError", "Incorrect API key provided"),
                new RunResult(SESSION, java.time.Instant.ofEpochMilli(1795217853300L), null, 1));
        assertThat(new CliEventNormalizer().accept("{\"type\":\"error\",\"sessionID\":\"ses_x\",\"error\":{}}"))
                .last().isEqualTo(new RunError("ses_x", null, "UnknownError", "UnknownError"));
    }

    @Test
    void repeatedLinesOfOnePartGiveTheirEventsOnce() {
        List<String> recorded = RecordedEvents.lines("run-format-json-read-tool.ndjson");
        List<String> doubled = new ArrayList<>();
        recorded.forEach(line -> {
            doubled.add(line);
            doubled.add(line);
        });
        assertThat(RecordedEvents.normalizedCliRun(doubled)).isEqualTo(RecordedEvents.normalizedCliRun(recorded));
    }

    @Test
    void blankLinesStepStartsAndUnknownTypesGiveNothing() {
        CliEventNormalizer normalizer = new CliEventNormalizer();
        assertThat(normalizer.accept("")).isEmpty();
        assertThat(normalizer.accept("   ")).isEmpty();
        assertThat(normalizer.accept(null)).isEmpty();
        assertThat(normalizer.accept("{\"type\":\"step_start\",\"timestamp\":5,\"sessionID\":\"ses_y\",\"part\":{}}"))
                .containsExactly(new SessionStarted("ses_y", java.time.Instant.ofEpochMilli(5)));
        assertThat(normalizer.accept("{\"type\":\"something_new\",\"timestamp\":6,\"sessionID\":\"ses_y\"}")).isEmpty();
        assertThat(normalizer.accept("{\"type\":\"reasoning\",\"timestamp\":7,\"sessionID\":\"ses_y\",\"part\":{}}")).isEmpty();
        assertThat(normalizer.sessionId()).isEqualTo("ses_y");
    }

    @Test
    void finishEndsTheRunOnce() {
        CliEventNormalizer normalizer = new CliEventNormalizer();
        RecordedEvents.lines("run-format-json.ndjson").forEach(normalizer::accept);
        assertThat(normalizer.finish()).singleElement().isInstanceOf(RunResult.class);
        assertThat(normalizer.finish()).isEmpty();
        assertThatThrownBy(() -> normalizer.accept(ERROR_LINE)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already finished");
    }
}
