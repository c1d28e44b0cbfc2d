package org.camelopencode.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.camelopencode.failure.OpenCodeFailureException;
import org.camelopencode.workspace.WorkspaceMode;
import org.camelopencode.workspace.WorkspaceRequest;

/**
 * Validates the keys of a task (from JSON or from YAML front matter, both as an {@link ObjectNode})
 * and builds the {@link TaskSpec}. A key whose value is {@code null} counts as absent.
 */
final class TaskFields {

    /** Every key a task file may use, in the order error messages list them. */
    static final List<String> ALLOWED_KEYS =
            List.of("prompt", "model", "agent", "title", "expect", "schema", "timeout", "runId", "stage", "maxTokens", "maxCost",
                    "directory", "sessionId", "fork", "command", "arguments", "files",
                    "workspace", "base", "commit", "commitMessage", "keep");

    /** The workspace keys (issue 15 item 2-4): all but {@code workspace} itself need {@code workspace: worktree}. */
    static final List<String> WORKTREE_KEYS = List.of("base", "commit", "commitMessage", "keep");

    /** {@code provider/model}: no blanks; the model part may itself contain slashes (OpenRouter ids). */
    private static final Pattern MODEL = Pattern.compile("[^/\\s]+(?:/[^/\\s]+)+");

    private TaskFields() {
    }

    /**
     * @param name the task name
     * @param fields the keys of the task
     * @param bodyPrompt the Markdown body, or {@code null} when the format has none
     * @return the task
     * @throws TaskProblem naming the key and the problem
     */
    static TaskSpec toTask(String name, ObjectNode fields, String bodyPrompt) {
        rejectUnknownKeys(fields);
        TaskTurn turn = TaskTurnFields.turn(fields);
        String prompt = turn.command() != null && present(fields, "prompt") == null && (bodyPrompt == null || bodyPrompt.isBlank())
                ? TaskTurnFields.commandLine(turn) : prompt(fields, bodyPrompt);
        String model = optionalText(fields, "model");
        if (model != null && !MODEL.matcher(model).matches()) {
            throw new TaskProblem("key 'model' must be 'provider/model' (for example 'anthropic/claude-sonnet-4'), got '"
                    + model + "'");
        }
        Expectation expect = expect(fields);
        JsonNode schema = schema(fields);
        if (schema != null && expect == Expectation.TEXT) {
            throw new TaskProblem("key 'schema' needs expect 'json' (or no expect), but expect is 'text'");
        }
        return new TaskSpec(name, prompt, model, optionalText(fields, "agent"), optionalText(fields, "title"),
                expect, schema, timeout(fields), optionalText(fields, "runId"), optionalText(fields, "stage"),
                maxTokens(fields), maxCost(fields), optionalText(fields, "directory"), turn, workspace(fields));
    }

    /**
     * The keys {@code workspace} ({@code shared} | {@code worktree}), {@code base}, {@code commit}, {@code commitMessage}
     * and {@code keep}; {@code null} when none is given.
     */
    private static WorkspaceRequest workspace(ObjectNode fields) {
        String mode = optionalText(fields, "workspace");
        if (mode == null) {
            for (String key : WORKTREE_KEYS) {
                if (present(fields, key) != null) {
                    throw new TaskProblem("key '" + key + "' needs key 'workspace' set to 'worktree'");
                }
            }
            return null;
        }
        WorkspaceMode parsed;
        try {
            parsed = WorkspaceMode.parse(mode);
        } catch (IllegalArgumentException unknown) {
            throw new TaskProblem("key 'workspace' must be 'shared' or 'worktree', got '" + mode + "'");
        }
        if (parsed == WorkspaceMode.SHARED) {
            for (String key : WORKTREE_KEYS) {
                if (present(fields, key) != null) {
                    throw new TaskProblem("key '" + key + "' needs workspace 'worktree', but workspace is 'shared'");
                }
            }
        }
        return new WorkspaceRequest(parsed, optionalText(fields, "base"), flag(fields, "commit"), optionalText(fields, "commitMessage"),
                flag(fields, "keep"));
    }

    private static boolean flag(ObjectNode fields, String key) {
        JsonNode value = present(fields, key);
        if (value == null) {
            return false;
        }
        if (!value.isBoolean()) {
            throw new TaskProblem("key '" + key + "' must be true or false, got " + describe(value));
        }
        return value.booleanValue();
    }

    private static Long maxTokens(ObjectNode fields) {
        JsonNode value = present(fields, "maxTokens");
        if (value == null) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() <= 0) {
            throw new TaskProblem("key 'maxTokens' must be a positive whole number of tokens, got " + describe(value));
        }
        return value.longValue();
    }

    private static Double maxCost(ObjectNode fields) {
        JsonNode value = present(fields, "maxCost");
        if (value == null) {
            return null;
        }
        if (!value.isNumber() || !(value.doubleValue() > 0) || Double.isInfinite(value.doubleValue())) {
            throw new TaskProblem("key 'maxCost' must be a positive amount of USD (for example 0.50), got " + describe(value));
        }
        return value.doubleValue();
    }

    private static void rejectUnknownKeys(ObjectNode fields) {
        for (Iterator<String> keys = fields.fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            if (!ALLOWED_KEYS.contains(key)) {
                throw new TaskProblem("unknown key '" + key + "'; allowed keys: " + String.join(", ", ALLOWED_KEYS));
            }
        }
    }

    private static String prompt(ObjectNode fields, String bodyPrompt) {
        String keyPrompt = text(fields, "prompt");
        boolean hasBody = bodyPrompt != null && !bodyPrompt.isBlank();
        if (keyPrompt != null && hasBody) {
            throw new TaskProblem("the prompt is ambiguous: front matter has key 'prompt' and the body has text too");
        }
        String prompt = keyPrompt != null ? keyPrompt : bodyPrompt;
        if (prompt == null || prompt.isBlank()) {
            throw new TaskProblem(bodyPrompt == null ? "key 'prompt' is missing or empty" : "the prompt is empty (no text in the body and no key 'prompt')");
        }
        return prompt.trim();
    }

    private static Expectation expect(ObjectNode fields) {
        String value = text(fields, "expect");
        if (value == null) {
            return null;
        }
        try {
            return Expectation.parse(value);
        } catch (OpenCodeFailureException e) {
            throw new TaskProblem("key 'expect' must be 'text' or 'json', got '" + value + "'");
        }
    }

    private static JsonNode schema(ObjectNode fields) {
        JsonNode value = present(fields, "schema");
        if (value == null) {
            return null;
        }
        if (!value.isObject()) {
            throw new TaskProblem("key 'schema' must be an object (a JSON Schema), got " + describe(value));
        }
        return value;
    }

    /** The {@code timeout} key: {@link Durations}' forms, a bare number (YAML or JSON integer, or text) in whole seconds. */
    private static Duration timeout(ObjectNode fields) {
        JsonNode value = present(fields, "timeout");
        if (value == null) {
            return null;
        }
        if (!value.isIntegralNumber() && !value.isTextual()) {
            throw new TaskProblem("key 'timeout' must be " + Durations.forms(Durations.BareNumber.SECONDS) + ", got "
                    + describe(value));
        }
        try {
            return Durations.parsePositive(value.asText(), "key 'timeout'", Durations.BareNumber.SECONDS);
        } catch (IllegalArgumentException malformed) {
            throw new TaskProblem(malformed.getMessage());
        }
    }

    static String optionalText(ObjectNode fields, String key) {
        String value = text(fields, key);
        if (value == null) {
            return null;
        }
        String trimmed = value.trim();
        if (trimmed.isEmpty()) {
            throw new TaskProblem("key '" + key + "' must not be empty");
        }
        return trimmed;
    }

    private static String text(ObjectNode fields, String key) {
        JsonNode value = present(fields, key);
        if (value == null) {
            return null;
        }
        if (!value.isTextual()) {
            throw new TaskProblem("key '" + key + "' must be a string, got " + describe(value));
        }
        return value.textValue();
    }

    static JsonNode present(ObjectNode fields, String key) {
        JsonNode value = fields.get(key);
        return value == null || value.isNull() ? null : value;
    }

    static String describe(JsonNode value) {
        return switch (value.getNodeType()) {
            case ARRAY -> "a list";
            case OBJECT -> "an object";
            case NUMBER -> "a number (" + value.asText() + ")";
            case BOOLEAN -> "a boolean (" + value.asText() + ")";
            case STRING -> "a string ('" + value.asText() + "')";
            default -> value.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }
}
