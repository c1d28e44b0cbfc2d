package org.camelopencode.ledger;

import java.time.Duration;
import java.time.Instant;
import org.camelopencode.dispatch.DispatchResult;

/**
 * One row of the ledger: one dispatch attempt of one task.
 *
 * @param id the row id, assigned by {@link DispatchLedger#begin}
 * @param taskKey the task's idempotency key (file name + content hash, JMS message id, Kafka offset, or a header)
 * @param taskName the task's name, or {@code null}
 * @param runId the run, or {@code null}
 * @param stage the stage, or {@code null}
 * @param attempt the attempt number, 1 for the first
 * @param server the server the session runs on (fleet instance name or server URL, never with credentials), or
 *     {@code null} before the session exists
 * @param sessionId the OpenCode session ({@code ses_...}), or {@code null} before it exists
 * @param status running, completed or failed
 * @param failureKind the failure kind's wire name when failed, else {@code null}
 * @param model the model as {@code provider/model}, or {@code null}
 * @param tokensInput input tokens (0 while running)
 * @param tokensOutput output tokens
 * @param tokensReasoning reasoning tokens
 * @param cost cost in the provider's currency (USD for the providers OpenCode knows)
 * @param startedAt when the attempt began
 * @param endedAt when it was decided, or {@code null} while running
 * @param result the recorded result when completed, else {@code null}
 * @param errorMessage the failure's message when failed, else {@code null}
 * @param worktree the git worktree the attempt works in ({@code workspace: worktree}), or {@code null} for none
 * @param judgedAfter the newest message of a continued session before the attempt's prompt (a re-attach judges only what
 *     came after it), or {@code null} when every message of the session is the attempt's
 */
public record LedgerEntry(
        long id,
        String taskKey,
        String taskName,
        String runId,
        String stage,
        int attempt,
        String server,
        String sessionId,
        DispatchStatus status,
        String failureKind,
        String model,
        long tokensInput,
        long tokensOutput,
        long tokensReasoning,
        double cost,
        Instant startedAt,
        Instant endedAt,
        DispatchResult result,
        String errorMessage,
        RecordedWorktree worktree,
        String judgedAfter) {

    /**
     * @return one history line, for example
     *     {@code "#12 fix-bug attempt 1 completed on instance-1 ses_... scripted/echo tokens 10/5/0 cost 0.0000 in 812 ms"}
     */
    public String describe() {
        StringBuilder line = new StringBuilder("#").append(id).append(' ')
                .append(taskName == null ? taskKey : taskName)
                .append(" attempt ").append(attempt).append(' ').append(status.wireName());
        if (failureKind != null) {
            line.append(" (").append(failureKind).append(')');
        }
        if (server != null) {
            line.append(" on ").append(server);
        }
        if (sessionId != null) {
            line.append(' ').append(sessionId);
        }
        if (model != null) {
            line.append(' ').append(model);
        }
        line.append(" tokens ").append(tokensInput).append('/').append(tokensOutput).append('/').append(tokensReasoning)
                .append(String.format(java.util.Locale.ROOT, " cost %.4f", cost));
        if (endedAt != null) {
            line.append(" in ").append(Duration.between(startedAt, endedAt).toMillis()).append(" ms");
        }
        return line.toString();
    }
}
