package org.camelopencode.dispatch;

import java.util.Optional;
import org.camelopencode.agent.TokenUsage;

/**
 * What one attempt may spend, and how often it may ask again for JSON in the same session.
 *
 * @param maxTokens cap on input + output + reasoning tokens summed over the attempt's finished steps
 *     (every {@code step-finish} of its session, stricter JSON retries included); {@code null} = no cap
 * @param maxCost cap on the attempt's cost in USD (the {@code cost} of its steps); {@code null} = no cap
 * @param jsonRetries how many stricter follow-up prompts the attempt sends in the same session when
 *     the reply is {@code assistant_output_not_json}; 0 fails at once; default 1
 */
public record DispatchLimits(Long maxTokens, Double maxCost, int jsonRetries) {

    /** The default number of stricter JSON retries. */
    public static final int DEFAULT_JSON_RETRIES = 1;

    /** No caps, {@value #DEFAULT_JSON_RETRIES} stricter JSON retry. */
    public static final DispatchLimits DEFAULTS = new DispatchLimits(null, null, DEFAULT_JSON_RETRIES);

    /**
     * Validates the fields.
     *
     * @throws IllegalArgumentException when a cap is not positive (or the cost not finite), or
     *     {@code jsonRetries} is negative
     */
    public DispatchLimits {
        if (maxTokens != null && maxTokens <= 0) {
            throw new IllegalArgumentException("maxTokens must be positive, was " + maxTokens);
        }
        if (maxCost != null && (!(maxCost > 0) || maxCost.isInfinite())) {
            throw new IllegalArgumentException("maxCost must be a positive number of USD, was " + maxCost);
        }
        if (jsonRetries < 0) {
            throw new IllegalArgumentException("jsonRetries must not be negative, was " + jsonRetries);
        }
    }

    /**
     * @param tokens what the attempt used so far
     * @param cost what it cost so far, USD
     * @return a reason naming the cap and the usage, for example
     *     {@code "used 2511 tokens (input 2506, output 5, reasoning 0), over the cap maxTokens=100"};
     *     empty while within both caps
     */
    public Optional<String> exceededBy(TokenUsage tokens, double cost) {
        if (maxTokens != null && tokens.total() > maxTokens) {
            return Optional.of("used " + tokens.total() + " tokens (input " + tokens.input() + ", output " + tokens.output()
                    + ", reasoning " + tokens.reasoning() + "), over the cap maxTokens=" + maxTokens);
        }
        if (maxCost != null && cost > maxCost) {
            return Optional.of("cost " + cost + " USD, over the cap maxCost=" + maxCost);
        }
        return Optional.empty();
    }

    /** @return whether a token or cost cap is set */
    public boolean capped() {
        return maxTokens != null || maxCost != null;
    }
}
