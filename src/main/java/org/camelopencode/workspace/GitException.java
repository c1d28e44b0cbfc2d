package org.camelopencode.workspace;

/**
 * A git command failed, timed out or could not start. The message names the command (without the repository path's
 * environment) and git's own error output (its stderr, trimmed to a few lines), for example
 * {@code git rev-parse --verify nope^{commit} failed (exit 128): fatal: Needed a single revision}.
 */
public class GitException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message what failed, with git's stderr */
    public GitException(String message) {
        super(message);
    }

    /**
     * @param message what failed
     * @param cause the I/O failure or interruption behind it
     */
    public GitException(String message, Throwable cause) {
        super(message, cause);
    }
}
