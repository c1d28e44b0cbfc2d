package org.camelopencode.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the task keys of a follow-up or command turn ({@code sessionId}, {@code fork}, {@code command},
 * {@code arguments}, {@code files}) into a {@link TaskTurn}; the other keys are {@link TaskFields}'.
 */
final class TaskTurnFields {

    private TaskTurnFields() {
    }

    /**
     * @param fields the keys of the task
     * @return the turn, {@link TaskTurn#NONE} when no key names one
     * @throws TaskProblem naming the key and the problem
     */
    static TaskTurn turn(ObjectNode fields) {
        JsonNode fork = TaskFields.present(fields, "fork");
        if (fork != null && !fork.isBoolean()) {
            throw new TaskProblem("key 'fork' must be true or false, got " + TaskFields.describe(fork));
        }
        try {
            return new TaskTurn(TaskFields.optionalText(fields, "sessionId"), fork != null && fork.booleanValue(),
                    TaskFields.optionalText(fields, "command"), arguments(fields), files(fields));
        } catch (IllegalArgumentException inconsistent) {
            throw new TaskProblem(inconsistent.getMessage());
        }
    }

    /**
     * @param turn a turn that runs a command
     * @return the prompt text of a command task without a prompt: {@code /command arguments}
     */
    static String commandLine(TaskTurn turn) {
        return "/" + turn.command() + (turn.arguments() == null || turn.arguments().isBlank() ? "" : " " + turn.arguments().strip());
    }

    /** {@code arguments}: a string (may be empty). */
    private static String arguments(ObjectNode fields) {
        JsonNode value = TaskFields.present(fields, "arguments");
        if (value == null) {
            return null;
        }
        if (!value.isTextual()) {
            throw new TaskProblem("key 'arguments' must be a string, got " + TaskFields.describe(value));
        }
        return value.textValue();
    }

    /** {@code files}: a list of paths, or one path. */
    private static List<String> files(ObjectNode fields) {
        JsonNode value = TaskFields.present(fields, "files");
        if (value == null) {
            return List.of();
        }
        if (value.isTextual()) {
            return List.of(value.textValue().strip());
        }
        if (!value.isArray()) {
            throw new TaskProblem("key 'files' must be a list of paths, got " + TaskFields.describe(value));
        }
        List<String> files = new ArrayList<>();
        for (JsonNode file : value) {
            if (!file.isTextual() || file.textValue().isBlank()) {
                throw new TaskProblem("key 'files' must be a list of paths, got an element that is " + TaskFields.describe(file));
            }
            files.add(file.textValue().strip());
        }
        return files;
    }
}
