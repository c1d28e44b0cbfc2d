package org.camelopencode.task;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;
import java.util.Optional;
import org.camelopencode.failure.FailureKind;
import org.camelopencode.failure.OpenCodeFailureException;

/**
 * The failure record {@code <dead-letter>/<name>.error.json} of the file-drop contract (DESIGN.md),
 * fields in this order: {@code status, task, failure, message, sessionId?, attempts, request?}. It carries
 * only these fields; the message comes from {@link OpenCodeFailureException}, which never holds secrets.
 *
 * @param status always {@code "failed"}
 * @param task the task name
 * @param failure the {@link FailureKind} wire name, for example {@code "rate_limited"}
 * @param message the readable reason, without the kind prefix
 * @param sessionId the session of the last attempt; omitted from the JSON when {@code null}
 * @param attempts how many attempts were made (0 for an invalid task that was never dispatched)
 * @param request the pending permission or question request for the pending_* kinds; omitted when
 *     {@code null}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"status", "task", "failure", "message", "sessionId", "attempts", "request"})
public record ErrorRecord(
        String status,
        String task,
        String failure,
        String message,
        @JsonInclude(JsonInclude.Include.NON_NULL) String sessionId,
        int attempts,
        @JsonInclude(JsonInclude.Include.NON_NULL) JsonNode request) {

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
    }

    /**
     * Builds the error record of a failed task.
     *
     * @param task the task name
     * @param failure the classified failure; gives {@code failure}, {@code message} (its reason),
     *     {@code sessionId} and {@code request}
     * @param attempts attempts made
     * @return the record
     */
    public static ErrorRecord of(String task, OpenCodeFailureException failure, int attempts) {
        return new ErrorRecord(FAILED, task, failure.getKindName(), failure.getReason(), failure.getSessionId(),
                attempts, failure.getRequest());
    }

    /** @return the failure kind, or empty when {@code failure} names a kind this version does not know */
    @JsonIgnore
    public Optional<FailureKind> failureKind() {
        return FailureKind.fromWireName(failure);
    }
}
