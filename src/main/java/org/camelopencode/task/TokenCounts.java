package org.camelopencode.task;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import org.camelopencode.agent.TokenUsage;

/**
 * Token usage of the final assistant message, the {@code "tokens"} object of a result record. Read from
 * the assistant message's {@code tokens} ({@code input}, {@code output}, {@code reasoning}) of
 * {@code GET /session/{id}/message}.
 *
 * @param input prompt tokens
 * @param output completion tokens
 * @param reasoning reasoning tokens (0 for models without reasoning)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"input", "output", "reasoning"})
public record TokenCounts(long input, long output, long reasoning) {

    /** No tokens counted. */
    public static final TokenCounts NONE = new TokenCounts(0, 0, 0);

    /** @param usage summed usage, or {@code null}; @return its input, output and reasoning tokens ({@link #NONE} for null) */
    public static TokenCounts of(TokenUsage usage) {
        return usage == null ? NONE : new TokenCounts(usage.input(), usage.output(), usage.reasoning());
    }
}
