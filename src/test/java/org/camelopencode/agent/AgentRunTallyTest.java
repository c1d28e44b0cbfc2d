package org.camelopencode.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.camelopencode.agent.AgentEvent.MessageText;
import org.camelopencode.agent.AgentEvent.RunError;
import org.camelopencode.agent.AgentEvent.RunResult;
import org.camelopencode.agent.AgentEvent.SessionStarted;
import org.camelopencode.agent.AgentEvent.StepUsage;
import org.camelopencode.agent.AgentEvent.ToolFinished;
import org.camelopencode.agent.AgentEvent.ToolStarted;
import org.junit.jupiter.api.Test;

/** {@link AgentRunTally}: sums over every step, counts tools, stays exact under concurrent writers. */
class AgentRunTallyTest {

    private static final String SESSION = "ses_tally";

    @Test
    void nothingSeenIsTheEmptySummary() {
        assertThat(new AgentRunTally().snapshot()).isEqualTo(AgentRunSummary.EMPTY);
        assertThat(AgentRunSummary.EMPTY.tokens()).isEqualTo(TokenUsage.ZERO);
    }

    @Test
    void usageAndCostAreSummedOverEveryStepNotTakenFromTheLast() {
        AgentRunTally tally = new AgentRunTally();
        tally.accept(step(new TokenUsage(100, 10, 3, 50, 7), 0.25));
        tally.accept(step(new TokenUsage(200, 20, 0, 60, 0), 0.5));
        tally.accept(step(new TokenUsage(300, 30, 1, 0, 2), 0.125));

        AgentRunSummary summary = tally.snapshot();
        assertThat(summary.steps()).isEqualTo(3);
        assertThat(summary.tokens()).isEqualTo(new TokenUsage(600, 60, 4, 110, 9));
        assertThat(summary.cost()).isEqualTo(0.875);
    }

    @Test
    void aRecordedMultiStepRunIsSummed() {
        // the compaction scenario: two assistant messages, one step each, both reporting 10 in / 5 out
        AgentRunTally tally = new AgentRunTally();
        tally.acceptAll(RecordedEvents.normalizedBySession("event-mixed-scenarios.sse").get("ses_e04abab2dffeez8gbRqB6BnRam"));

        AgentRunSummary summary = tally.snapshot();
        assertThat(summary.steps()).isEqualTo(2);
        assertThat(summary.tokens()).isEqualTo(new TokenUsage(20, 10, 0, 0, 0));
        assertThat(summary.errors()).isEqualTo(1);
        assertThat(summary.lastError().name()).isEqualTo("ContextOverflowError");
        assertThat(summary.lastText()).startsWith("hello from mock: The previous request exceeded");
        assertThat(summary.finished()).isTrue();
        assertThat(summary.sessionId()).isEqualTo("ses_e04abab2dffeez8gbRqB6BnRam");
    }

    @Test
    void toolCallsTextsErrorsAndTimesAreTracked() {
        AgentRunTally tally = new AgentRunTally();
        tally.accept(new SessionStarted(SESSION, null));
        tally.accept(toolStarted("read", 1_000));
        tally.accept(toolFinished("read", ToolFinished.COMPLETED, 2_000));
        tally.accept(toolStarted("bash", 3_000));
        AgentRunSummary midway = tally.snapshot();
        tally.accept(toolFinished("bash", ToolFinished.ERROR, 4_000));
        tally.accept(toolStarted("read", 5_000));
        tally.accept(toolFinished("read", ToolFinished.COMPLETED, 6_000));
        tally.accept(new MessageText(SESSION, Instant.ofEpochMilli(7_000), "msg_1", "prt_1", "first"));
        tally.accept(new MessageText(SESSION, Instant.ofEpochMilli(8_000), "msg_1", "prt_2", "second"));
        tally.accept(new RunError(SESSION, null, "APIError", "overloaded"));
        tally.accept(new RunResult(SESSION, null, "second", 1));

        assertThat(midway.toolCalls()).isEqualTo(2);
        assertThat(midway.lastTool()).isEqualTo("bash");
        assertThat(midway.finished()).isFalse();
        AgentRunSummary summary = tally.snapshot();
        assertThat(summary.sessionId()).isEqualTo(SESSION);
        assertThat(summary.toolCalls()).isEqualTo(3);
        assertThat(summary.failedToolCalls()).isEqualTo(1);
        assertThat(summary.lastTool()).isEqualTo("read");
        assertThat(summary.toolsUsed()).containsExactly("read", "bash");
        assertThat(summary.lastText()).isEqualTo("second");
        assertThat(summary.errors()).isEqualTo(1);
        assertThat(summary.lastError().message()).isEqualTo("overloaded");
        assertThat(summary.finished()).isTrue();
        assertThat(summary.startedAt()).isEqualTo(Instant.ofEpochMilli(1_000));
        assertThat(summary.lastEventAt()).isEqualTo(Instant.ofEpochMilli(8_000));
        assertThat(summary.steps()).isZero();
        assertThatThrownBy(() -> summary.toolsUsed().add("x")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void concurrentWritersLoseNothingAndReadersSeeConsistentSnapshots() throws Exception {
        AgentRunTally tally = new AgentRunTally();
        int writers = 4;
        int stepsEach = 2_000;
        ExecutorService pool = Executors.newFixedThreadPool(writers + 1);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int writer = 0; writer < writers; writer++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int step = 0; step < stepsEach; step++) {
                        tally.accept(step(new TokenUsage(2, 1, 0, 0, 0), 0.5));
                    }
                    return null;
                }));
            }
            Future<?> reader = pool.submit(() -> {
                start.await();
                for (int read = 0; read < 2_000; read++) {
                    AgentRunSummary summary = tally.snapshot();
                    assertThat(summary.tokens().input()).isEqualTo(2L * summary.steps());
                    assertThat(summary.cost()).isEqualTo(0.5 * summary.steps());
                }
                return null;
            });
            start.countDown();
            for (Future<?> future : futures) {
                future.get(30, TimeUnit.SECONDS);
            }
            reader.get(30, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        AgentRunSummary summary = tally.snapshot();
        assertThat(summary.steps()).isEqualTo(writers * stepsEach);
        assertThat(summary.tokens()).isEqualTo(new TokenUsage(2L * writers * stepsEach, (long) writers * stepsEach, 0, 0, 0));
        assertThat(summary.cost()).isEqualTo(0.5 * writers * stepsEach);
    }

    private static StepUsage step(TokenUsage tokens, double cost) {
        return new StepUsage(SESSION, null, "msg_1", "stop", tokens, cost);
    }

    private static ToolStarted toolStarted(String tool, long at) {
        return new ToolStarted(SESSION, Instant.ofEpochMilli(at), "call_" + at, tool, JsonNodeFactory.instance.objectNode());
    }

    private static ToolFinished toolFinished(String tool, String status, long at) {
        return new ToolFinished(SESSION, Instant.ofEpochMilli(at), "call_" + at, tool, status,
                ToolFinished.COMPLETED.equals(status) ? "ok" : null, ToolFinished.ERROR.equals(status) ? "failed" : null,
                JsonNodeFactory.instance.objectNode());
    }
}
