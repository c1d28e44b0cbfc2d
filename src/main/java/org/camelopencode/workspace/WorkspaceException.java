package org.camelopencode.workspace;

/**
 * A task's workspace settings cannot be honoured because of what the task asked for, not because git failed: the
 * directory is no git repository but {@code workspace: worktree} needs one, or {@code base} does not resolve to a
 * commit. Callers report it as bad input ({@code invalid_task}); nothing was dispatched.
 */
public class WorkspaceException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message what is wrong, naming the directory or the base */
    public WorkspaceException(String message) {
        super(message);
    }
}
