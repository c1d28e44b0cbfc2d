package org.camelopencode.task;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Objects;
import org.camelopencode.workspace.FileChange;

/**
 * One dispatch attempt of a task, an element of the {@code "attempts"} list of result and error records. Fields in
 * this order: {@code attempt, sessionId?, model?, outcome, error?, tokens, cost, durationMs, startedAt, continued?, branch?,
 * changes?}.
 *
 * <p>Written by the {@code opencode:dispatch} producer after every attempt (from the {@code DispatchResult} of a
 * completed attempt, or from the {@code OpenCodeFailureException} of a failed one); re-driven tasks keep their
 * earlier attempts and number on.
 *
 * @param attempt the attempt's position in the task's history, 1 for the first (numbering continues across re-drives)
 * @param sessionId the OpenCode session the attempt ran in ({@code ses_...}); omitted when none was created
 * @param model the model as {@code provider/model}; omitted when unknown (the server's default)
 * @param outcome {@code "completed"}, or the failure kind's wire name (for example {@code "rate_limited"})
 * @param error the failure's reason without the kind prefix; omitted for a completed attempt
 * @param tokens tokens the attempt used (summed over its finished steps)
 * @param cost cost in US dollars the attempt used
 * @param durationMs wall time of the attempt, in milliseconds
 * @param startedAt when the attempt was dispatched, ISO-8601 UTC (for example {@code 2025-01-31T10:15:30.123Z})
 * @param continued the session the task named to continue ({@code sessionId} key; with {@code fork} the session that was
 *     forked, {@code sessionId} then being the fork); omitted for an attempt in a fresh session
 * @param branch the attempt's worktree branch ({@code workspace: worktree}); omitted otherwise
 * @param changes what the attempt changed in its worktree against the base, captured before the worktree was removed
 *     (a failed attempt's partial edits are here, never in the next attempt's tree); omitted without a worktree
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"attempt", "sessionId", "model", "outcome", "error", "tokens", "cost", "durationMs", "startedAt", "continued", "branch",
        "changes"})
public record AttemptRecord(
        int attempt,
        @JsonInclude(JsonInclude.Include.NON_NULL) String sessionId,
        @JsonInclude(JsonInclude.Include.NON_NULL) String model,
        String outcome,
        @JsonInclude(JsonInclude.Include.NON_NULL) String error,
        TokenCounts tokens,
        double cost,
        long durationMs,
        String startedAt,
        @JsonInclude(JsonInclude.Include.NON_NULL) String continued,
        @JsonInclude(JsonInclude.Include.NON_NULL) String branch,
        @JsonInclude(JsonInclude.Include.NON_NULL) List<FileChange> changes) {

    /**
     * An attempt in a fresh session.
     *
     * @param attempt see the record description
     * @param sessionId see the record description
     * @param model see the record description
     * @param outcome see the record description
     * @param error see the record description
     * @param tokens see the record description
     * @param cost see the record description
     * @param durationMs see the record description
     * @param startedAt see the record description
     */
    public AttemptRecord(int attempt, String sessionId, String model, String outcome, String error, TokenCounts tokens, double cost,
            long durationMs, String startedAt) {
        this(attempt, sessionId, model, outcome, error, tokens, cost, durationMs, startedAt, null, null, null);
    }

    /** The outcome of an attempt that passed the completion gate. */
    public static final String COMPLETED = "completed";

    /**
     * @throws NullPointerException when {@code outcome} is {@code null}
     * @throws IllegalArgumentException when {@code attempt} is below 1
     */
    public AttemptRecord {
        Objects.requireNonNull(outcome, "outcome");
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be at least 1, got " + attempt);
        }
        tokens = tokens == null ? TokenCounts.NONE : tokens;
        changes = changes == null ? null : List.copyOf(changes);
    }

    /** @return whether the attempt passed the completion gate */
    @JsonIgnore
    public boolean isCompleted() {
        return COMPLETED.equals(outcome);
    }

    /**
     * @param number the position to give this attempt in a history
     * @return this attempt renumbered
     */
    public AttemptRecord withAttempt(int number) {
        return new AttemptRecord(number, sessionId, model, outcome, error, tokens, cost, durationMs, startedAt, continued, branch,
                changes);
    }

    /**
     * @param session the session the attempt continued, or {@code null}
     * @return this attempt marked as a continuation of that session
     */
    public AttemptRecord withContinued(String session) {
        return new AttemptRecord(attempt, sessionId, model, outcome, error, tokens, cost, durationMs, startedAt, session, branch,
                changes);
    }

    /**
     * @param newBranch the attempt's worktree branch
     * @param newChanges what the attempt changed in it
     * @return this attempt with its worktree's branch and changes
     */
    public AttemptRecord withChanges(String newBranch, List<FileChange> newChanges) {
        return new AttemptRecord(attempt, sessionId, model, outcome, error, tokens, cost, durationMs, startedAt, continued, newBranch,
                newChanges);
    }
}
