package org.camelopencode.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * Answer of {@code GET /global/health}, e.g. {@code {"healthy":true,"version":"1.18.33"}}.
 *
 * @param healthy whether the server reports itself healthy
 * @param version the OpenCode version, may be null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Health(boolean healthy, String version) {
}
