package org.camelopencode.client;

import java.util.Objects;

/**
 * A server this client must not use: its version is below the configured minimum, or it does not speak the OpenCode
 * 1.x API at all (for example OpenCode 2's {@code /api/*} contracts). Thrown at start by
 * {@link ServerCompatibility#check}; the message names the server, what it answered and, for a version, both versions.
 */
public class IncompatibleServerException extends OpenCodeClientException {

    /** Why the server is refused. */
    public enum Reason {
        /** The server's version is below {@code opencode.server.min-version}, or unreadable while a minimum is set. */
        BELOW_MINIMUM_VERSION,
        /** {@code GET /global/health} did not answer as OpenCode 1.x does: another API, or not OpenCode. */
        DIFFERENT_API
    }

    private final Reason reason;

    /**
     * @param reason  why
     * @param message what the server answered and what to do, never credentials
     */
    public IncompatibleServerException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** @return why the server is refused */
    public Reason reason() {
        return reason;
    }
}
