package org.camelopencode.failure;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.camelopencode.agent.TokenUsage;

/**
 * A task that ended without a checked result, classified by {@link FailureKind}. Routes handle it
 * with {@code onException} and match the kind on {@link #getKind()} or on the
 * {@code CamelOpenCodeFailureKind} header that the component sets beside it.
 *
 * <p>The message never contains server passwords or API keys: it is built from the server's error
 * name and message only.
 */
public class OpenCodeFailureException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final FailureKind kind;
    private final String sessionId;
    private final transient JsonNode request;
    private volatile String model;
    private volatile TokenUsage tokens = TokenUsage.ZERO;
    private volatile double cost;
    private volatile Duration duration = Duration.ZERO;
    private volatile Duration retryAfter;

    /**
     * @param kind the classified kind, never {@code null}
     * @param message a readable reason, for example {@code "APIError 429: Too Many Requests"}
     * @param sessionId the OpenCode session the attempt ran in, or {@code null} when none was created
     * @param request the pending permission or question request ({@code permission.asked} /
     *     {@code question.asked} properties) for the pending_* kinds, else {@code null}
     * @param cause the underlying exception, or {@code null}
     */
    public OpenCodeFailureException(FailureKind kind, String message, String sessionId, JsonNode request, Throwable cause) {
        super(kind.wireName() + ": " + message, cause);
        this.kind = kind;
        this.sessionId = sessionId;
        this.request = request;
    }

    /**
     * @param kind the classified kind
     * @param message a readable reason
     */
    public OpenCodeFailureException(FailureKind kind, String message) {
        this(kind, message, null, null, null);
    }

    /** @return the failure kind */
    public FailureKind getKind() {
        return kind;
    }

    /** @return the failure kind's wire name, for Simple expressions such as {@code ${exception.kindName}} */
    public String getKindName() {
        return kind.wireName();
    }

    /** @return the reason without the kind prefix */
    public String getReason() {
        String message = getMessage();
        String prefix = kind.wireName() + ": ";
        return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
    }

    /** @return the session the failed attempt ran in, or {@code null} */
    public String getSessionId() {
        return sessionId;
    }

    /** @return the attached permission or question request for pending_* kinds, else {@code null} */
    public JsonNode getRequest() {
        return request;
    }

    /**
     * Records what the failed attempt used before it failed (set once by the dispatcher).
     *
     * @param attemptModel the model as {@code provider/model}, or {@code null} for the server's default
     * @param attemptTokens tokens summed over the attempt's finished steps
     * @param attemptCost cost in USD summed over the attempt's finished steps
     * @param attemptDuration time from dispatch to failure
     * @return this exception
     */
    public OpenCodeFailureException attachUsage(String attemptModel, TokenUsage attemptTokens, double attemptCost,
            Duration attemptDuration) {
        this.model = attemptModel;
        this.tokens = attemptTokens == null ? TokenUsage.ZERO : attemptTokens;
        this.cost = attemptCost;
        this.duration = attemptDuration == null ? Duration.ZERO : attemptDuration;
        return this;
    }

    /** @return the model the attempt ran with, or {@code null} when unknown or the server's default */
    public String getModel() {
        return model;
    }

    /** @return tokens the failed attempt used (summed over its finished steps); zero when none */
    public TokenUsage getTokens() {
        return tokens;
    }

    /** @return cost in USD the failed attempt used; 0 when none */
    public double getCost() {
        return cost;
    }

    /** @return how long the attempt ran before it failed */
    public Duration getDuration() {
        return duration;
    }

    /**
     * Records how long the provider asked to wait before the next try (set by the dispatcher for
     * rate_limited and provider_unavailable failures when the server said so).
     *
     * @param wait the delay, or {@code null} when unknown; negative delays count as zero
     * @return this exception
     */
    public OpenCodeFailureException withRetryAfter(Duration wait) {
        this.retryAfter = wait == null || !wait.isNegative() ? wait : Duration.ZERO;
        return this;
    }

    /**
     * @return how long to wait before running the task again, as the provider or OpenCode said
     *     ({@code retry-after-ms} / {@code retry-after} response headers of the final
     *     {@code APIError}, or the {@code next} of OpenCode's {@code session.status} retry); {@code null}
     *     when the server said nothing, for the route's own backoff to decide
     */
    public Duration getRetryAfter() {
        return retryAfter;
    }
}
