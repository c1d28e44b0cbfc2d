package org.camelopencode.task;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.camelopencode.workspace.FileChange;
import org.camelopencode.failure.FailureKind;
import org.camelopencode.failure.OpenCodeFailureException;

/**
 * The failure record {@code <dead-letter>/<name>.error.json} of the file-drop contract (DESIGN.md), fields in this
 * order: {@code status, task, failure, message, sessionId?, attempts, request?, file?, original?, workspace?, changes?,
 * patch?}. It carries only
 * these fields; the message comes from {@link OpenCodeFailureException}, which never holds secrets.
 *
 * <p>A dead letter is replayable: {@code original} holds the task exactly as a {@code *.json} task file would
 * ({@link TaskRecords#taskObject(TaskSpec)}), so moving this record back into the inbox runs the task again and
 * keeps {@code attempts} (see {@link TaskReader#readErrorRecord(ErrorRecord)}).
 *
 * @param status always {@code "failed"}
 * @param task the task name
 * @param failure the {@link FailureKind} wire name of the last attempt, for example {@code "rate_limited"}
 * @param message the readable reason, without the kind prefix
 * @param sessionId the session of the last attempt; omitted from the JSON when {@code null}
 * @param attempts every attempt in order, the failed one last (empty for an invalid task that was never
 *     dispatched); DESIGN.md had a count here
 * @param request the pending permission or question request for the pending_* kinds; omitted when {@code null}
 * @param file the name of the task file that failed (for example {@code fix-bug.md}); omitted when unknown
 * @param original the task as a task JSON object ({@code prompt, model?, agent?, title?, expect, schema?, timeout?,
 *     runId?, stage?, maxTokens?, maxCost?, workspace?, ...}); omitted when the task could not be read ({@code invalid_task})
 * @param workspace where the last attempt worked ({@link WorkspaceRecord}); omitted when the task named no workspace or
 *     none was made
 * @param changes what the last attempt changed against the base before it failed (also in its attempt entry);
 *     omitted without a worktree
 * @param patch the file name of those changes as a patch beside the record ({@code <name>.patch}); omitted when
 *     nothing changed or the trigger writes no files
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"status", "task", "failure", "message", "sessionId", "attempts", "request", "file", "original", "workspace", "changes",
        "patch"})
public record ErrorRecord(
        String status,
        String task,
        String failure,
        String message,
        @JsonInclude(JsonInclude.Include.NON_NULL) String sessionId,
        List<AttemptRecord> attempts,
        @JsonInclude(JsonInclude.Include.NON_NULL) JsonNode request,
        @JsonInclude(JsonInclude.Include.NON_NULL) String file,
        @JsonInclude(JsonInclude.Include.NON_NULL) ObjectNode original,
        @JsonInclude(JsonInclude.Include.NON_NULL) WorkspaceRecord workspace,
        @JsonInclude(JsonInclude.Include.NON_NULL) List<FileChange> changes,
        @JsonInclude(JsonInclude.Include.NON_NULL) String patch) {

    /** The only status of an error record. */
    public static final String FAILED = "failed";

    /**
     * @throws IllegalArgumentException when {@code status} is not {@code "failed"}, or {@code task} or
     *     {@code failure} is blank
     * @throws NullPointerException when {@code task} or {@code failure} is {@code null}
     */
    public ErrorRecord {
        if (!FAILED.equals(status)) {
            throw new IllegalArgumentException("an error record has status 'failed', got '" + status + "'");
        }
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(failure, "failure");
        if (task.isBlank() || failure.isBlank()) {
            throw new IllegalArgumentException("task and failure must not be blank");
        }
        attempts = attempts == null ? List.of() : List.copyOf(attempts);
        original = original == null ? null : original.deepCopy();
        changes = changes == null ? null : List.copyOf(changes);
    }

    /**
     * An error record without a workspace.
     *
     * @param status see the record description
     * @param task see the record description
     * @param failure see the record description
     * @param message see the record description
     * @param sessionId see the record description
     * @param attempts see the record description
     * @param request see the record description
     * @param file see the record description
     * @param original see the record description
     * @throws IllegalArgumentException as the canonical constructor
     */
    public ErrorRecord(String status, String task, String failure, String message, String sessionId, List<AttemptRecord> attempts,
            JsonNode request, String file, ObjectNode original) {
        this(status, task, failure, message, sessionId, attempts, request, file, original, null, null, null);
    }

    /**
     * @param newWorkspace where the last attempt worked, or {@code null}
     * @param newChanges what it changed, or {@code null}
     * @param newPatch the patch's file name, or {@code null}
     * @return this record with the last attempt's workspace
     */
    public ErrorRecord withWorkspace(WorkspaceRecord newWorkspace, List<FileChange> newChanges, String newPatch) {
        return new ErrorRecord(status, task, failure, message, sessionId, attempts, request, file, original, newWorkspace, newChanges,
                newPatch);
    }

    /**
     * Builds the error record of a failed task.
     *
     * @param task the task name
     * @param failure the classified failure; gives {@code failure}, {@code message} (its reason),
     *     {@code sessionId} and {@code request}
     * @param attempts every attempt, in order
     * @param file the failed task file's name, or {@code null}
     * @param original the task as read, or {@code null} when it could not be read
     * @return the record
     */
    public static ErrorRecord of(String task, OpenCodeFailureException failure, List<AttemptRecord> attempts, String file,
            TaskSpec original) {
        return new ErrorRecord(FAILED, task, failure.getKindName(), failure.getReason(), failure.getSessionId(),
                attempts, failure.getRequest(), file, original == null ? null : TaskRecords.taskObject(original));
    }

    /** @return the failure kind, or empty when {@code failure} names a kind this version does not know */
    @JsonIgnore
    public Optional<FailureKind> failureKind() {
        return FailureKind.fromWireName(failure);
    }

    /** @return {@code original} as a deep copy, so callers cannot change this record */
    @Override
    public ObjectNode original() {
        return original == null ? null : original.deepCopy();
    }
}
