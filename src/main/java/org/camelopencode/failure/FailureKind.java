package org.camelopencode.failure;

import java.util.Arrays;
import java.util.Optional;

/**
 * The failure taxonomy: why a task did not produce a checked result. Each kind has an exact wire
 * name ({@link #wireName()}) used in the {@code CamelOpenCodeFailureKind} header, in error records
 * ({@code "failure"}) and in logs; routes match on these strings.
 *
 * <p>The first ten kinds are the contract of DESIGN.md. Four more exist because the real server
 * can end a turn in ways none of those describe, or because the caller set a limit:
 * <ul>
 *   <li>{@link #ABORTED}: the session was aborted by someone other than this dispatch (an operator,
 *       another client); retrying it would override a human decision.</li>
 *   <li>{@link #AGENT_ERROR}: the final assistant message carries an error that names no provider
 *       condition ({@code MessageOutputLengthError}, {@code ContentFilterError},
 *       {@code UnknownError}, or an error name this version does not know).</li>
 *   <li>{@link #REQUEST_REJECTED}: a permission rejected without a message, or a rejected question,
 *       stops OpenCode's turn with no final text. Calling that a missing text part would invite a retry
 *       that the same policy rejects again; the rejected request is attached instead.</li>
 *   <li>{@link #BUDGET_EXCEEDED}: the attempt went over the task's {@code maxTokens} or {@code maxCost}; running it
 *       again would spend as much again.</li>
 * </ul>
 *
 * <p>Whether a kind is retried, how often and after what wait is route policy, decided in one place: the
 * {@code onException} clauses of {@code routes/playbook.yaml} with their {@code opencode.retry.<kind>.max} allowances
 * ({@code runner.RetryPlaybook} reads them); a kind carries no retry flag of its own.
 */
public enum FailureKind {
    /** The agent asked for a permission and the policy escalated it; the request is attached. */
    PENDING_PERMISSION("pending_permission"),
    /** The agent asked a question and the policy escalated it; the questions are attached. */
    PENDING_QUESTION("pending_question"),
    /** The provider answered 429, or OpenCode's own retry loop gave up on a rate limit. */
    RATE_LIMITED("rate_limited"),
    /** The provider answered 5xx/529/overloaded, or the OpenCode server itself could not be reached. */
    PROVIDER_UNAVAILABLE("provider_unavailable"),
    /** The provider answered 401/403 ({@code APIError}), {@code ProviderAuthError}, or the OpenCode server answered 401. */
    AUTH_FAILED("auth_failed"),
    /** The latest assistant message ended with {@code ContextOverflowError}. */
    CONTEXT_OVERFLOW("context_overflow"),
    /** {@code expect=json} and the text does not parse, or {@code StructuredOutputError}. */
    ASSISTANT_OUTPUT_NOT_JSON("assistant_output_not_json"),
    /** The final assistant message has no non-empty text part and no structured output. */
    ASSISTANT_OUTPUT_MISSING_TEXT_PART("assistant_output_missing_text_part"),
    /** The per-task deadline passed; the session was aborted. */
    TIMEOUT("timeout"),
    /** The task is unreadable, empty or malformed; it is never dispatched. */
    INVALID_TASK("invalid_task"),
    /** The session was aborted by someone else ({@code MessageAbortedError} not caused by this dispatch). */
    ABORTED("aborted"),
    /** Any other error on the final assistant message (output length, content filter, unknown). */
    AGENT_ERROR("agent_error"),
    /** A permission or question request was rejected (by policy or approval) without feedback, which ends OpenCode's turn. */
    REQUEST_REJECTED("request_rejected"),
    /** The attempt went over its token or cost cap ({@code maxTokens}, {@code maxCost}); the session was aborted. */
    BUDGET_EXCEEDED("budget_exceeded");

    private final String wireName;

    FailureKind(String wireName) {
        this.wireName = wireName;
    }

    /** @return the exact string of the taxonomy, for example {@code "rate_limited"} */
    public String wireName() {
        return wireName;
    }

    /**
     * Looks a kind up by its wire name.
     *
     * @param wireName for example {@code "timeout"}; case-sensitive
     * @return the kind, or empty when the name is not part of the taxonomy
     */
    public static Optional<FailureKind> fromWireName(String wireName) {
        return Arrays.stream(values()).filter(k -> k.wireName.equals(wireName)).findFirst();
    }

    @Override
    public String toString() {
        return wireName;
    }
}
