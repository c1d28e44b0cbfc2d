package org.camelopencode.dispatch;

import java.time.Duration;
import java.util.Locale;
import org.camelopencode.agent.AgentRunSummary;

/**
 * What one attempt in flight is doing, built from its session's events.
 *
 * @param sessionTitle the session title (task, run, stage, attempt)
 * @param sessionId the session, or {@code null} while it is being created
 * @param state {@code starting}, {@code busy}, {@code idle} (being judged) or {@code awaiting approval}
 * @param elapsed time since the dispatch started
 * @param summary tool calls, steps, tokens and cost so far (summed over every step)
 */
public record DispatchProgress(String sessionTitle, String sessionId, String state, Duration elapsed, AgentRunSummary summary) {

    /**
     * @return one log line, for example
     *     {@code 'fix-bug [attempt 1]' busy for 42 s in ses_1: 3 tool calls (last bash), 2 steps, 1234 tokens, $0.0123}
     */
    public String describe() {
        StringBuilder line = new StringBuilder().append('\'').append(sessionTitle).append("' ").append(state)
                .append(" for ").append(elapsed.toSeconds()).append(" s");
        if (sessionId != null) {
            line.append(" in ").append(sessionId);
        }
        return line.append(": ").append(usage(summary)).toString();
    }

    /**
     * @param summary a run's summary
     * @return {@code "3 tool calls (last bash), 2 steps, 1234 tokens, $0.0123"}
     */
    static String usage(AgentRunSummary summary) {
        StringBuilder text = new StringBuilder().append(summary.toolCalls()).append(summary.toolCalls() == 1 ? " tool call" : " tool calls");
        if (summary.lastTool() != null) {
            text.append(" (last ").append(summary.lastTool()).append(')');
        }
        if (summary.failedToolCalls() > 0) {
            text.append(", ").append(summary.failedToolCalls()).append(" failed");
        }
        return text.append(", ").append(summary.steps()).append(summary.steps() == 1 ? " step, " : " steps, ")
                .append(summary.tokens().total()).append(" tokens, $").append(String.format(Locale.ROOT, "%.4f", summary.cost())).toString();
    }
}
