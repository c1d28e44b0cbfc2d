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
import org.camelopencode.failure.FailureKind;
import org.camelopencode.failure.OpenCodeFailureException;

/**
 * The failure record {@code <dead-letter>/<name>.error.json} of the file-drop contract (DESIGN.md), fields in this
 * order: {@code status, task, failure, message, sessionId?, attempts, request?, file?, original?}. It carries only
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
 *     runId?, stage?, maxTokens?, maxCost?}); omitted when the task could not be read ({@code invalid_task})
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"status", "task", "failure", "message", "sessionId", "attempts", "request", "file", "original"})
public record ErrorRecord(
        String status,
        String task,
        String failure,
        String message,
        @JsonInclude(JsonInclude.Include.NON_NULL) String sessionId,
        List<AttemptRecord> attempts,
        @JsonInclude(JsonInclude.Include.NON_NULL) JsonNode request,
        @JsonInclude(JsonInclude.Include.NON_NULL) String file,
        @JsonInclude(JsonInclude.Include.NON_NULL) ObjectNode original) {

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
