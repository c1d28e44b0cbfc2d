package org.camelopencode.task;

import java.util.List;

/**
 * How a task's turn starts, as the task names it (task keys {@code sessionId}, {@code fork}, {@code command},
 * {@code arguments}, {@code files}; issue 15 item 5). Paths are as written: relative ones resolve against the task's
 * directory where the task is dispatched.
 *
 * @param sessionId the session to continue ({@code ses_...}), or {@code null} for a fresh one
 * @param fork whether to fork that session first and continue the fork
 * @param command a slash command to run (its name, a leading {@code /} removed), or {@code null} for the prompt
 * @param arguments the command's arguments, or {@code null}
 * @param files files to attach, as written; never null
 */
public record TaskTurn(String sessionId, boolean fork, String command, String arguments, List<String> files) {

    /** A fresh session, the prompt, no files. */
    public static final TaskTurn NONE = new TaskTurn(null, false, null, null, List.of());

    /**
     * Copies the files and drops a command's leading slash.
     *
     * @throws IllegalArgumentException when {@code fork} is set without {@code sessionId}, {@code arguments} without
     *     {@code command}, or a value is blank
     */
    public TaskTurn {
        files = files == null ? List.of() : List.copyOf(files);
        if (command != null && command.startsWith("/")) {
            command = command.substring(1);
        }
        if (fork && sessionId == null) {
            throw new IllegalArgumentException("key 'fork' needs key 'sessionId' (the session to fork)");
        }
        if (arguments != null && command == null) {
            throw new IllegalArgumentException("key 'arguments' needs key 'command'");
        }
        if (sessionId != null && sessionId.isBlank() || command != null && command.isBlank()
                || files.stream().anyMatch(String::isBlank)) {
            throw new IllegalArgumentException("keys 'sessionId', 'command' and 'files' must not be blank");
        }
    }

    /** @return whether the task names none of the keys */
    public boolean isNone() {
        return equals(NONE);
    }
}
