package org.camelopencode.agent;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.camelopencode.agent.AgentEvent.MessageText;
import org.camelopencode.agent.AgentEvent.RunError;
import org.camelopencode.agent.AgentEvent.RunResult;
import org.camelopencode.agent.AgentEvent.StepUsage;
import org.camelopencode.agent.AgentEvent.ToolFinished;
import org.camelopencode.agent.AgentEvent.ToolStarted;

/**
 * Sums the {@link AgentEvent}s of a run into an {@link AgentRunSummary}: usage and cost over every
 * {@link StepUsage} (not only the last step), tool calls, the tools used, the last text and errors.
 *
 * <p>Thread-safe and cheap: {@link #accept} is synchronized (writers are normally one event-stream thread) and
 * publishes a new immutable summary; {@link #snapshot()} is a single volatile read, made for progress logging.
 */
public final class AgentRunTally {

    private final List<String> toolsUsed = new ArrayList<>();
    private String sessionId;
    private int toolCalls;
    private int failedToolCalls;
    private String lastTool;
    private int steps;
    private TokenUsage tokens = TokenUsage.ZERO;
    private double cost;
    private String lastText;
    private int errors;
    private RunError lastError;
    private boolean finished;
    private Instant startedAt;
    private Instant lastEventAt;
    private volatile AgentRunSummary snapshot = AgentRunSummary.EMPTY;

    /** @param event an event of the run */
    public synchronized void accept(AgentEvent event) {
        Objects.requireNonNull(event, "event");
        if (event.sessionId() != null) {
            sessionId = event.sessionId();
        }
        if (event.timestamp() != null) {
            startedAt = startedAt == null ? event.timestamp() : startedAt;
            lastEventAt = event.timestamp();
        }
        if (event instanceof ToolStarted started) {
            toolCalls++;
            lastTool = started.tool();
            if (started.tool() != null && !toolsUsed.contains(started.tool())) {
                toolsUsed.add(started.tool());
            }
        } else if (event instanceof ToolFinished toolFinished && toolFinished.failed()) {
            failedToolCalls++;
        } else if (event instanceof StepUsage usage) {
            steps++;
            tokens = sum(tokens, usage.tokens());
            cost += usage.cost();
        } else if (event instanceof MessageText text) {
            lastText = text.text();
        } else if (event instanceof RunError error) {
            errors++;
            lastError = error;
        } else if (event instanceof RunResult) {
            finished = true;
        }
        snapshot = new AgentRunSummary(sessionId, toolCalls, failedToolCalls, lastTool, toolsUsed, steps, tokens, cost,
                lastText, errors, lastError, finished, startedAt, lastEventAt);
    }

    /** @param events events of the run, in order */
    public void acceptAll(List<? extends AgentEvent> events) {
        events.forEach(this::accept);
    }

    /** @return the summary of every event accepted so far */
    public AgentRunSummary snapshot() {
        return snapshot;
    }

    private static TokenUsage sum(TokenUsage a, TokenUsage b) {
        return new TokenUsage(a.input() + b.input(), a.output() + b.output(), a.reasoning() + b.reasoning(),
                a.cacheRead() + b.cacheRead(), a.cacheWrite() + b.cacheWrite());
    }
}
