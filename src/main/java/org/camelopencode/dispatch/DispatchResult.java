package org.camelopencode.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.camelopencode.agent.TokenUsage;

/**
 * A task attempt that passed the completion gate.
 *
 * @param sessionId the OpenCode session ({@code ses_...})
 * @param messageId the final assistant message ({@code msg_...})
 * @param model the model that answered, as {@code provider/model} (from the message's
 *     {@code providerID}/{@code modelID})
 * @param agent the agent that answered
 * @param text the non-empty text of the final assistant message (its text parts joined), or the
 *     structured output serialized when the reply had no text part
 * @param json the parsed JSON when JSON was expected ({@code structured}, the text itself, or its
 *     single fenced block), else {@code null}
 * @param tokens tokens summed over all assistant messages of the session
 * @param cost cost in the provider's currency (USD for the providers OpenCode knows), summed likewise
 * @param finish the final message's {@code finish} reason, for example {@code stop}
 * @param duration wall time from dispatch to the gate's verdict
 */
public record DispatchResult(
        String sessionId,
        String messageId,
        String model,
        String agent,
        String text,
        JsonNode json,
        TokenUsage tokens,
        double cost,
        String finish,
        Duration duration) {

    /** @param newDuration the attempt's wall time; @return a copy with it */
    public DispatchResult withDuration(Duration newDuration) {
        return new DispatchResult(sessionId, messageId, model, agent, text, json, tokens, cost, finish, newDuration);
    }

    /** @param newTokens tokens of the whole session; @param newCost its cost; @return a copy with them */
    public DispatchResult withUsage(TokenUsage newTokens, double newCost) {
        return new DispatchResult(sessionId, messageId, model, agent, text, json, newTokens, newCost, finish, duration);
    }
}
