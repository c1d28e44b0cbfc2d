package org.camelopencode.workspace;

import java.util.Locale;

/**
 * Where a task's agent edits files: task key / header {@code CamelOpenCodeWorkspace} / endpoint option
 * {@code workspace}, lower-case on the wire.
 */
public enum WorkspaceMode {

    /**
     * In the task's directory itself. Tasks naming the same directory run one at a time, in the order they arrived
     * ({@link DirectoryQueue}); the records carry the directory but no {@code changes}, because other writers (people,
     * tools) may change the same tree and git cannot tell whose edit is whose.
     */
    SHARED,

    /**
     * In a fresh git worktree of the task's repository per attempt, on a new branch {@code opencode/<task>-<attempt>}
     * from the task's {@code base}: concurrent tasks never see each other's edits, a retry starts clean, and the
     * records carry the attempt's {@code changes} and patch.
     */
    WORKTREE;

    /** @return the wire name, {@code shared} or {@code worktree} */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param value {@code shared} or {@code worktree}, any case, surrounding blanks ignored
     * @return the mode
     * @throws IllegalArgumentException naming the value and the allowed ones when it is neither
     */
    public static WorkspaceMode parse(String value) {
        String wire = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        for (WorkspaceMode mode : values()) {
            if (mode.wireName().equals(wire)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("workspace must be 'shared' or 'worktree', got '" + value + "'");
    }
}
