package org.camelopencode.observe;

import java.time.Duration;
import org.camelopencode.agent.TokenUsage;
import org.camelopencode.dispatch.DispatchResult;
import org.camelopencode.failure.OpenCodeFailureException;

/**
 * How one {@code opencode:dispatch} attempt ended, as metrics and spans see it.
 *
 * @param completed whether it passed the completion gate
 * @param kind      the failure kind's wire name ({@code rate_limited}, ...), or {@code none} when completed
 * @param model     {@code provider/model} that answered (or was asked), or {@code unknown}
 * @param sessionId the OpenCode session ({@code ses_...}), or {@code null} when none was created
 * @param tokens    tokens the attempt used (all assistant messages of its session), never {@code null}
 * @param cost      its cost in USD
 * @param duration  wall time from dispatch to the gate's verdict (or to the failure)
 */
public record AttemptOutcome(boolean completed, String kind, String model, String sessionId, TokenUsage tokens, double cost,
                             Duration duration) {

    /** The {@code kind} of a completed attempt. */
    public static final String NO_FAILURE = "none";

    /** Fills the blanks: {@code unknown} model, zero tokens. */
    public AttemptOutcome {
        model = model == null || model.isBlank() ? "unknown" : model;
        tokens = tokens == null ? TokenUsage.ZERO : tokens;
        duration = duration == null ? Duration.ZERO : duration;
    }

    /**
     * @param result the gate's result
     * @return a completed outcome with the result's model, session, tokens, cost and duration
     */
    public static AttemptOutcome of(DispatchResult result) {
        return new AttemptOutcome(true, NO_FAILURE, result.model(), result.sessionId(), result.tokens(), result.cost(),
                result.duration());
    }

    /**
     * @param failure      the classified failure (its usage attached when known)
     * @param askedModel   the model the request asked for, used when the failure names none
     * @param elapsed      wall time of the attempt
     * @return a failed outcome of the failure's kind
     */
    public static AttemptOutcome of(OpenCodeFailureException failure, String askedModel, Duration elapsed) {
        return new AttemptOutcome(false, failure.getKind().wireName(), failure.getModel() != null ? failure.getModel() : askedModel,
                failure.getSessionId(), failure.getTokens(), failure.getCost(), elapsed);
    }
}
