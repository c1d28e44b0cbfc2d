package org.camelopencode.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * Token usage of an assistant message or a {@code step-finish} part.
 *
 * @param total     total tokens when the provider reports it, else null
 * @param input     input tokens
 * @param output    output tokens
 * @param reasoning reasoning tokens
 * @param cache     cache usage, may be null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Tokens(Long total, long input, long output, long reasoning, Cache cache) {
}
