package org.camelopencode.agent;

import java.time.Instant;
import java.util.List;
import org.camelopencode.agent.AgentEvent.RunError;

/**
 * What an agent run did so far, as summed by {@link AgentRunTally}. Immutable.
 *
 * @param sessionId       the session of the events seen, or null before the first
 * @param toolCalls       tool calls started ({@link AgentEvent.ToolStarted})
 * @param failedToolCalls tool calls that ended with status {@code error}
 * @param lastTool        name of the most recently started tool, or null
 * @param toolsUsed       distinct tool names in order of first use, unmodifiable
 * @param steps           model calls finished ({@link AgentEvent.StepUsage})
 * @param tokens          token counts summed over every step
 * @param cost            cost summed over every step, in USD
 * @param lastText        text of the latest {@link AgentEvent.MessageText}, or null
 * @param errors          {@link RunError}s seen
 * @param lastError       the latest of them, or null
 * @param finished        true once a {@link AgentEvent.RunResult} was seen
 * @param startedAt       timestamp of the first event that had one, or null
 * @param lastEventAt     timestamp of the latest event that had one, or null
 */
public record AgentRunSummary(String sessionId, int toolCalls, int failedToolCalls, String lastTool,
                              List<String> toolsUsed, int steps, TokenUsage tokens, double cost, String lastText,
                              int errors, RunError lastError, boolean finished, Instant startedAt,
                              Instant lastEventAt) {

    /** Nothing seen yet. */
    public static final AgentRunSummary EMPTY = new AgentRunSummary(null, 0, 0, null, List.of(), 0, TokenUsage.ZERO,
            0, null, 0, null, false, null, null);

    public AgentRunSummary {
        toolsUsed = List.copyOf(toolsUsed);
    }
}
