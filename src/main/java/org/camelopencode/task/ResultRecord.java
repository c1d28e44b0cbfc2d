package org.camelopencode.task;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Objects;
import org.camelopencode.workspace.FileChange;

/**
 * The success record {@code <outbox>/<name>.result.json} of the file-drop contract (DESIGN.md), fields
 * in this order: {@code status, task, runId?, stage?, sessionId, model, text, json?, tokens, cost, attempts,
 * durationMs, workspace?, changes?, patch?, commit?, branch?}. It carries only these fields; never secrets.
 *
 * @param status always {@code "completed"}
 * @param task the task name
 * @param runId the pipeline run the record belongs to ({@code routes/pipeline.yaml}); omitted when {@code null}
 * @param stage the pipeline stage the record belongs to, for example {@code plan}; omitted when {@code null}
 * @param sessionId the OpenCode session of the successful attempt
 * @param model {@code provider/model} that answered
 * @param text the final assistant text
 * @param json the parsed answer when {@code expect=json}; omitted from the JSON when {@code null}
 * @param tokens token usage of the final assistant message
 * @param cost the cost reported on the final assistant message, in US dollars
 * @param attempts every attempt in order, the successful one last ({@link AttemptRecord}: session, model, outcome,
 *     tokens, cost, duration, start); DESIGN.md had a count here, the list says what the retries cost. A re-driven
 *     task keeps the attempts of its earlier runs.
 * @param durationMs wall time of the successful attempt, in milliseconds
 * @param workspace where the successful attempt worked ({@link WorkspaceRecord}); omitted when the task named no workspace
 * @param changes what the successful attempt changed against the base ({@code workspace: worktree}); omitted otherwise
 * @param patch the file name of those changes as a patch beside the record ({@code <name>.patch}, {@code git apply}
 *     accepts it on {@code workspace.base}); omitted when nothing changed or the trigger writes no files
 * @param commit the sha of the commit of those changes ({@code commit: true}); omitted otherwise
 * @param branch the branch holding that commit, kept after the worktree was removed; omitted without a commit
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"status", "task", "runId", "stage", "sessionId", "model", "text", "json", "tokens", "cost", "attempts", "durationMs",
        "workspace", "changes", "patch", "commit", "branch"})
public record ResultRecord(
        String status,
        String task,
        @JsonInclude(JsonInclude.Include.NON_NULL) String runId,
        @JsonInclude(JsonInclude.Include.NON_NULL) String stage,
        String sessionId,
        String model,
        String text,
        @JsonInclude(JsonInclude.Include.NON_NULL) JsonNode json,
        TokenCounts tokens,
        double cost,
        List<AttemptRecord> attempts,
        long durationMs,
        @JsonInclude(JsonInclude.Include.NON_NULL) WorkspaceRecord workspace,
        @JsonInclude(JsonInclude.Include.NON_NULL) List<FileChange> changes,
        @JsonInclude(JsonInclude.Include.NON_NULL) String patch,
        @JsonInclude(JsonInclude.Include.NON_NULL) String commit,
        @JsonInclude(JsonInclude.Include.NON_NULL) String branch) {

    /** The only status of a result record. */
    public static final String COMPLETED = "completed";

    /**
     * @throws IllegalArgumentException when {@code status} is not {@code "completed"} or {@code task} is blank
     * @throws NullPointerException when {@code task} or {@code tokens} is {@code null}
     */
    public ResultRecord {
        if (!COMPLETED.equals(status)) {
            throw new IllegalArgumentException("a result record has status 'completed', got '" + status + "'");
        }
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(tokens, "tokens");
        attempts = attempts == null ? List.of() : List.copyOf(attempts);
        changes = changes == null ? null : List.copyOf(changes);
        if (task.isBlank()) {
            throw new IllegalArgumentException("task must not be blank");
        }
    }

    /**
     * Builds a result record with status {@code "completed"}, of no pipeline run.
     *
     * @param task the task name
     * @param sessionId the session of the successful attempt
     * @param model {@code provider/model}
     * @param text the final assistant text
     * @param json the parsed answer, or {@code null} for text tasks
     * @param tokens token usage
     * @param cost cost in US dollars
     * @param attempts every attempt, in order
     * @param durationMs wall time in milliseconds
     * @return the record
     */
    public static ResultRecord completed(String task, String sessionId, String model, String text, JsonNode json,
            TokenCounts tokens, double cost, List<AttemptRecord> attempts, long durationMs) {
        return new ResultRecord(COMPLETED, task, null, null, sessionId, model, text, json, tokens, cost, attempts, durationMs, null, null,
                null, null, null);
    }

    /**
     * @param newRunId the pipeline run, or {@code null}
     * @param newStage the pipeline stage, or {@code null}
     * @return this record as the record of that run and stage
     */
    public ResultRecord withStage(String newRunId, String newStage) {
        return new ResultRecord(status, task, newRunId, newStage, sessionId, model, text, json, tokens, cost, attempts,
                durationMs, workspace, changes, patch, commit, branch);
    }

    /**
     * @param newWorkspace where the attempt worked, or {@code null}
     * @param newChanges what it changed, or {@code null}
     * @param newPatch the patch's file name, or {@code null}
     * @param newCommit the commit's sha, or {@code null}; the record's {@code branch} is then the workspace's branch
     * @return this record with the attempt's workspace
     */
    public ResultRecord withWorkspace(WorkspaceRecord newWorkspace, List<FileChange> newChanges, String newPatch, String newCommit) {
        String newBranch = newCommit == null || newWorkspace == null ? null : newWorkspace.branch();
        return new ResultRecord(status, task, runId, stage, sessionId, model, text, json, tokens, cost, attempts, durationMs,
                newWorkspace, newChanges, newPatch, newCommit, newBranch);
    }
}
