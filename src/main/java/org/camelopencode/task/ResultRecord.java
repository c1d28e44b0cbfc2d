package org.camelopencode.task;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Objects;

/**
 * The success record {@code <outbox>/<name>.result.json} of the file-drop contract (DESIGN.md), fields
 * in this order: {@code status, task, runId?, stage?, sessionId, model, text, json?, tokens, cost, attempts,
 * durationMs}. It carries only these fields; never secrets.
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
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"status", "task", "runId", "stage", "sessionId", "model", "text", "json", "tokens", "cost", "attempts", "durationMs"})
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
        long durationMs) {

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
        return new ResultRecord(COMPLETED, task, null, null, sessionId, model, text, json, tokens, cost, attempts, durationMs);
    }

    /**
     * @param newRunId the pipeline run, or {@code null}
     * @param newStage the pipeline stage, or {@code null}
     * @return this record as the record of that run and stage
     */
    public ResultRecord withStage(String newRunId, String newStage) {
        return new ResultRecord(status, task, newRunId, newStage, sessionId, model, text, json, tokens, cost, attempts,
                durationMs);
    }
}
