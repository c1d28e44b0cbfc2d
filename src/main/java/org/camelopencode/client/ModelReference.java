package org.camelopencode.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A model as OpenCode names it: {@code {"providerID":"mock","modelID":"echo"}}, written {@code mock/echo}.
 *
 * @param providerId provider id
 * @param modelId    model id (may itself contain {@code /})
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelReference(@JsonProperty("providerID") String providerId, @JsonProperty("modelID") String modelId) {

    /**
     * Parses {@code provider/model}, splitting at the FIRST {@code /} so {@code openrouter/anthropic/claude}
     * is provider {@code openrouter}, model {@code anthropic/claude}.
     *
     * @param text the reference
     * @return the parsed reference
     * @throws IllegalArgumentException when the text is null, blank, has no {@code /} or an empty side
     */
    public static ModelReference parse(String text) {
        String trimmed = text == null ? "" : text.trim();
        int slash = trimmed.indexOf('/');
        if (slash <= 0 || slash == trimmed.length() - 1) {
            throw new IllegalArgumentException(
                    "Model must be written provider/model (e.g. anthropic/claude-sonnet-4), got '" + trimmed + "'");
        }
        return new ModelReference(trimmed.substring(0, slash), trimmed.substring(slash + 1));
    }

    /** @return {@code provider/model} */
    @Override
    public String toString() {
        return providerId + "/" + modelId;
    }
}
