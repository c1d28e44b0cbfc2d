package org.camelopencode.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One input part of a prompt, e.g. {@code {"type":"text","text":"..."}}.
 *
 * @param type part type, {@code text}
 * @param text the text
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PromptPart(String type, String text) {

    /**
     * @param text the prompt text
     * @return a text part
     */
    public static PromptPart text(String text) {
        return new PromptPart("text", text);
    }
}
