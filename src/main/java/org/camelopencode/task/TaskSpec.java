package org.camelopencode.task;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Objects;
import org.camelopencode.workspace.WorkspaceRequest;

/**
 * One validated unit of work for an OpenCode agent, as read from a task file or built by a route.
 *
 * @param name the task name: the task file's name without its last extension ({@code fix-bug.md} ->
 *     {@code fix-bug}); names the result and error records; never blank
 * @param prompt the prompt text, trimmed, never blank
 * @param model {@code provider/model} (for example {@code anthropic/claude-sonnet-4}), or {@code null}
 *     for the configured default
 * @param agent the OpenCode agent name (for example {@code build}), or {@code null} for the default
 * @param title the session title, or {@code null} for one chosen by the dispatcher
 * @param expect what the answer must be; {@code null} means {@link Expectation#JSON} when a schema is
 *     given, else {@link Expectation#TEXT}
 * @param schema a JSON Schema object for structured output, or {@code null}; stored as a deep copy
 * @param timeout the per-task deadline, positive, or {@code null} for the configured default
 * @param runId the pipeline run this task belongs to, or {@code null}
 * @param stage the pipeline stage this task is, or {@code null}
 * @param maxTokens cap on input + output + reasoning tokens of one attempt, positive, or {@code null}
 *     for the configured default (none unless configured)
 * @param maxCost cap on the cost of one attempt in USD, positive, or {@code null} for the configured default
 * @param directory the directory the agent works in, as the task names it: absolute, or relative to
 *     {@code opencode.workspaces.root} (default the project directory); {@code null} for the server's own directory.
 *     Not checked here: whether it exists and lies inside the root is the dispatcher's check ({@code invalid_task})
 * @param turn how the turn starts: a session to continue or fork, a slash command, files ({@link TaskTurn#NONE} for a
 *     fresh session and the prompt; {@code null} means that)
 * @param workspace where the agent edits (keys {@code workspace}, {@code base}, {@code commit}, {@code commitMessage},
 *     {@code keep}), or {@code null} when the task names no workspace (the header, then the endpoint option decide)
 */
public record TaskSpec(
        String name,
        String prompt,
        String model,
        String agent,
        String title,
        Expectation expect,
        JsonNode schema,
        Duration timeout,
        String runId,
        String stage,
        Long maxTokens,
        Double maxCost,
        String directory,
        TaskTurn turn,
        WorkspaceRequest workspace) {

    /**
     * Validates and normalizes the fields.
     *
     * @throws NullPointerException when {@code name} or {@code prompt} is {@code null}
     * @throws IllegalArgumentException when {@code name} or {@code prompt} is blank, {@code schema} is not
     *     a JSON object, {@code schema} is given with {@code expect=TEXT}, or {@code timeout},
     *     {@code maxTokens} or {@code maxCost} is not positive
     */
    public TaskSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(prompt, "prompt");
        if (name.isBlank()) {
            throw new IllegalArgumentException("task name must not be blank");
        }
        prompt = prompt.trim();
        if (prompt.isEmpty()) {
            throw new IllegalArgumentException("prompt must not be blank");
        }
        if (schema != null && !schema.isObject()) {
            throw new IllegalArgumentException("schema must be a JSON object, got " + schema.getNodeType());
        }
        if (schema != null && expect == Expectation.TEXT) {
            throw new IllegalArgumentException("a schema needs expect=json, got expect=text");
        }
        if (expect == null) {
            expect = schema == null ? Expectation.TEXT : Expectation.JSON;
        }
        if (timeout != null && (timeout.isZero() || timeout.isNegative())) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        if (maxTokens != null && maxTokens <= 0) {
            throw new IllegalArgumentException("maxTokens must be positive, got " + maxTokens);
        }
        if (maxCost != null && (!(maxCost > 0) || maxCost.isInfinite())) {
            throw new IllegalArgumentException("maxCost must be a positive number of USD, got " + maxCost);
        }
        schema = schema == null ? null : schema.deepCopy();
        if (directory != null && directory.isBlank()) {
            throw new IllegalArgumentException("directory must not be blank");
        }
        turn = turn == null ? TaskTurn.NONE : turn;
    }

    /**
     * A task that names no workspace.
     *
     * @param name see the record description
     * @param prompt see the record description
     * @param model see the record description
     * @param agent see the record description
     * @param title see the record description
     * @param expect see the record description
     * @param schema see the record description
     * @param timeout see the record description
     * @param runId see the record description
     * @param stage see the record description
     * @param maxTokens see the record description
     * @param maxCost see the record description
     * @param directory see the record description
     * @param turn see the record description
     * @throws IllegalArgumentException as the canonical constructor
     */
    public TaskSpec(String name, String prompt, String model, String agent, String title, Expectation expect, JsonNode schema,
            Duration timeout, String runId, String stage, Long maxTokens, Double maxCost, String directory, TaskTurn turn) {
        this(name, prompt, model, agent, title, expect, schema, timeout, runId, stage, maxTokens, maxCost, directory, turn, null);
    }

    /**
     * A task in the server's own directory.
     *
     * @param name see the record description
     * @param prompt see the record description
     * @param model see the record description
     * @param agent see the record description
     * @param title see the record description
     * @param expect see the record description
     * @param schema see the record description
     * @param timeout see the record description
     * @param runId see the record description
     * @param stage see the record description
     * @param maxTokens see the record description
     * @param maxCost see the record description
     * @throws IllegalArgumentException as the canonical constructor
     */
    public TaskSpec(String name, String prompt, String model, String agent, String title, Expectation expect, JsonNode schema,
            Duration timeout, String runId, String stage, Long maxTokens, Double maxCost) {
        this(name, prompt, model, agent, title, expect, schema, timeout, runId, stage, maxTokens, maxCost, null, null, null);
    }

    /**
     * A task without token or cost caps of its own.
     *
     * @param name see the record description
     * @param prompt see the record description
     * @param model see the record description
     * @param agent see the record description
     * @param title see the record description
     * @param expect see the record description
     * @param schema see the record description
     * @param timeout see the record description
     * @param runId see the record description
     * @param stage see the record description
     * @throws IllegalArgumentException as the canonical constructor
     */
    public TaskSpec(String name, String prompt, String model, String agent, String title, Expectation expect, JsonNode schema,
            Duration timeout, String runId, String stage) {
        this(name, prompt, model, agent, title, expect, schema, timeout, runId, stage, null, null);
    }

    /**
     * Builds a plain text task with every optional field unset.
     *
     * @param name the task name, not blank
     * @param prompt the prompt, not blank
     * @return the task
     * @throws IllegalArgumentException when a value is blank
     */
    public static TaskSpec ofPrompt(String name, String prompt) {
        return new TaskSpec(name, prompt, null, null, null, null, null, null, null, null);
    }

    /** @return this task with another name; see the canonical constructor for the checks */
    public TaskSpec withName(String newName) {
        return new TaskSpec(newName, prompt, model, agent, title, expect, schema, timeout, runId, stage, maxTokens, maxCost, directory, turn, workspace);
    }

    /** @return this task with another prompt */
    public TaskSpec withPrompt(String newPrompt) {
        return new TaskSpec(name, newPrompt, model, agent, title, expect, schema, timeout, runId, stage, maxTokens, maxCost, directory, turn, workspace);
    }

    /** @return this task with another model ({@code provider/model}, or {@code null} for the default) */
    public TaskSpec withModel(String newModel) {
        return new TaskSpec(name, prompt, newModel, agent, title, expect, schema, timeout, runId, stage, maxTokens, maxCost, directory, turn, workspace);
    }

    /** @return this task with another agent, or {@code null} for the default */
    public TaskSpec withAgent(String newAgent) {
        return new TaskSpec(name, prompt, model, newAgent, title, expect, schema, timeout, runId, stage, maxTokens, maxCost, directory, turn, workspace);
    }

    /** @return this task with another session title, or {@code null} */
    public TaskSpec withTitle(String newTitle) {
        return new TaskSpec(name, prompt, model, agent, newTitle, expect, schema, timeout, runId, stage, maxTokens, maxCost, directory, turn, workspace);
    }

    /** @return this task with another expectation; {@code null} re-derives it from the schema */
    public TaskSpec withExpect(Expectation newExpect) {
        return new TaskSpec(name, prompt, model, agent, title, newExpect, schema, timeout, runId, stage, maxTokens, maxCost, directory, turn, workspace);
    }

    /**
     * @return this task with another schema; a non-null schema also sets {@code expect=json}, a
     *     {@code null} schema keeps the current expectation
     */
    public TaskSpec withSchema(JsonNode newSchema) {
        Expectation newExpect = newSchema == null ? expect : Expectation.JSON;
        return new TaskSpec(name, prompt, model, agent, title, newExpect, newSchema, timeout, runId, stage, maxTokens, maxCost, directory, turn, workspace);
    }

    /** @return this task with another deadline (positive), or {@code null} for the default */
    public TaskSpec withTimeout(Duration newTimeout) {
        return new TaskSpec(name, prompt, model, agent, title, expect, schema, newTimeout, runId, stage, maxTokens, maxCost, directory, turn, workspace);
    }

    /** @return this task as part of another pipeline run, or {@code null} */
    public TaskSpec withRunId(String newRunId) {
        return new TaskSpec(name, prompt, model, agent, title, expect, schema, timeout, newRunId, stage, maxTokens, maxCost, directory, turn, workspace);
    }

    /** @return this task as another pipeline stage, or {@code null} */
    public TaskSpec withStage(String newStage) {
        return new TaskSpec(name, prompt, model, agent, title, expect, schema, timeout, runId, newStage, maxTokens, maxCost, directory, turn, workspace);
    }

    /** @return this task with another token cap (positive), or {@code null} for the configured default */
    public TaskSpec withMaxTokens(Long newMaxTokens) {
        return new TaskSpec(name, prompt, model, agent, title, expect, schema, timeout, runId, stage, newMaxTokens, maxCost, directory, turn, workspace);
    }

    /** @return this task with another cost cap in USD (positive), or {@code null} for the configured default */
    public TaskSpec withMaxCost(Double newMaxCost) {
        return new TaskSpec(name, prompt, model, agent, title, expect, schema, timeout, runId, stage, maxTokens, newMaxCost, directory, turn, workspace);
    }

    /** @return this task in another directory (absolute, or relative to the workspaces root), or {@code null} for the server's own */
    public TaskSpec withDirectory(String newDirectory) {
        return new TaskSpec(name, prompt, model, agent, title, expect, schema, timeout, runId, stage, maxTokens, maxCost, newDirectory, turn, workspace);
    }

    /** @return this task starting its turn another way (session to continue or fork, command, files); {@code null} = none */
    public TaskSpec withTurn(TaskTurn newTurn) {
        return new TaskSpec(name, prompt, model, agent, title, expect, schema, timeout, runId, stage, maxTokens, maxCost, directory, newTurn, workspace);
    }

    /** @return this task with another workspace request, or {@code null} for none of its own */
    public TaskSpec withWorkspace(WorkspaceRequest newWorkspace) {
        return new TaskSpec(name, prompt, model, agent, title, expect, schema, timeout, runId, stage, maxTokens, maxCost, directory, turn,
                newWorkspace);
    }

    /** @return the schema as a deep copy, so callers cannot change this task's schema */
    @Override
    public JsonNode schema() {
        return schema == null ? null : schema.deepCopy();
    }
}
