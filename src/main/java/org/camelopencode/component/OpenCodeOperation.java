package org.camelopencode.component;

/**
 * The operations of the {@code opencode:} component, named in the URI path ({@code opencode:dispatch})
 * or, for the producer, overridden by the {@code CamelOpenCodeOperation} header. All are producer
 * operations except {@link #events}, the only consumer.
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
    health,
    /**
     * Applies a person's approval of an escalated request: body = approval JSON
     * ({@code {"requestId":"per_...","reply":"once|always|reject","message":...}} or
     * {@code {"requestId":"que_...","answers":[["label"]]}}); {@code POST /permission/{id}/reply},
     * {@code POST /question/{id}/reply} or {@code /reject}; out: Boolean true, header CamelOpenCodeSessionId.
     */
    approve,
    /** {@code GET /permission} and {@code GET /question}; out: Map with lists {@code permissions} and {@code questions} (optionally one session's). */
    pending,
    /**
     * The status of every server the component uses (fleet instances, managed and external, or the
     * configured serverUrl): out: List of {@link org.camelopencode.server.InstanceReport} (URL, PID,
     * version, state, health, busy sessions, memory, uptime, restarts, recycles, sessions served); no passwords.
     */
    fleet,
    /**
     * The dispatch ledger's latest entries, newest first: body = how many (optional, default the {@code limit} option or
     * 50); out: List of {@link org.camelopencode.ledger.LedgerEntry} (task key and name, attempt, server, session, status,
     * failure kind, model, tokens, cost, times). Fails when the component has no ledger.
     */
    ledger,
    /**
     * The runners sharing the ledger (README "Running several runners"): out: a
     * {@link org.camelopencode.ledger.ClusterView} (this runner's node id, every node with its lease, last renewal,
     * renewals and the task keys it owns). Fails when the component has no ledger.
     */
    cluster,
    /** Consumer only ({@code from("opencode:events")}): one exchange per event of the server's shared stream ({@code GET /global/event}); body = the OpenCodeEvent. */
    events
}
