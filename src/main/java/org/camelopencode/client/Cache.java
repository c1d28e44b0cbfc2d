package org.camelopencode.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * Prompt-cache token counts.
 *
 * @param read  tokens read from the cache
 * @param write tokens written to the cache
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Cache(long read, long write) {
}
