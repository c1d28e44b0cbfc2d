package org.camelopencode.component;

/**
 * The operations of the {@code opencode:} producer, named in the URI path ({@code opencode:dispatch})
 * or overridden by the {@code CamelOpenCodeOperation} header.
 */
public enum OpenCodeOperation {
    /** Fresh session, asynchronous prompt, completion gate: a checked result or a classified failure. */
    dispatch,
    /** {@code POST /session}: body = title (optional); out: the Session. */
    createSession,
    /** {@code POST /session/{id}/message}: synchronous prompt; body = prompt; out: the final message with parts. */
    prompt,
    /** {@code POST /session/{id}/prompt_async}: body = prompt; out: body unchanged. */
    promptAsync,
    /** {@code POST /session/{id}/abort}; out: Boolean. */
    abort,
    /** {@code GET /session/{id}/message}; out: List of messages with parts. */
    messages,
    /** {@code GET /session/status}; out: Map of non-idle sessions to their status, or one status when a session is named. */
    status,
    /** {@code GET /global/health}; out: Health. */
    health
}
