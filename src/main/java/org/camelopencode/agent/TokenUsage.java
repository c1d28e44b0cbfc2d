package org.camelopencode.agent;

import org.camelopencode.client.Tokens;

/**
 * Tokens used by an attempt, summed over every assistant message (every step) of its session.
 *
 * @param input prompt tokens
 * @param output completion tokens
 * @param reasoning reasoning tokens
 * @param cacheRead tokens read from the provider's prompt cache
 * @param cacheWrite tokens written to the provider's prompt cache
 */
public record TokenUsage(long input, long output, long reasoning, long cacheRead, long cacheWrite) {

    /** No tokens. */
    public static final TokenUsage ZERO = new TokenUsage(0, 0, 0, 0, 0);

    /**
     * @param tokens the {@code tokens} of an assistant message, or {@code null}
     * @return this plus those tokens
     */
    public TokenUsage plus(Tokens tokens) {
        if (tokens == null) {
            return this;
        }
        long read = tokens.cache() == null ? 0 : tokens.cache().read();
        long write = tokens.cache() == null ? 0 : tokens.cache().write();
        return new TokenUsage(input + tokens.input(), output + tokens.output(), reasoning + tokens.reasoning(),
                cacheRead + read, cacheWrite + write);
    }

    /** @return input + output + reasoning */
    public long total() {
        return input + output + reasoning;
    }
}
