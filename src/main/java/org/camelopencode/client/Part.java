package org.camelopencode.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * One part of a message ({@code message.part.updated} event, {@code parts} of a message). Types:
 * {@code text}, {@code reasoning}, {@code file}, {@code tool}, {@code step-start}, {@code step-finish},
 * {@code snapshot}, {@code patch}, {@code agent}, {@code subtask}, {@code retry}, {@code compaction}.
 * All fields may be null.
 *
 * @param id        part id, {@code prt_...}
 * @param type      part type
 * @param messageId owning message id
 * @param sessionId owning session id
 * @param text      text of text and reasoning parts
 * @param synthetic true for text the server generated itself
 * @param ignored   true for text parts to ignore
 * @param tool      tool name of tool parts
 * @param state     tool state ({@code status}: pending, running, completed, error)
 * @param reason    finish reason of step-finish parts
 * @param cost      cost of step-finish parts
 * @param tokens    tokens of step-finish parts
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Part(String id, String type, @JsonProperty("messageID") String messageId,
                   @JsonProperty("sessionID") String sessionId, String text, Boolean synthetic, Boolean ignored,
                   String tool, JsonNode state, String reason, Double cost, Tokens tokens) {

    /** @return true for a text part */
    public boolean isText() {
        return "text".equals(type);
    }
}
