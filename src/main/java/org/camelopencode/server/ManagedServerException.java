package org.camelopencode.server;

/** A managed {@code opencode serve} could not be started or did not become healthy; the message carries the log tail. */
public class ManagedServerException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message what failed, with the log file path and its last lines (password redacted) */
    public ManagedServerException(String message) {
        super(message);
    }

    /** @param message what failed; @param cause the underlying error */
    public ManagedServerException(String message, Throwable cause) {
        super(message, cause);
    }
}
