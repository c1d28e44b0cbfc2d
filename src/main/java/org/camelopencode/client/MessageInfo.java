package org.camelopencode.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The header of a user or assistant message ({@code info} of {@code GET /session/{id}/message},
 * {@code message.updated} event). All fields may be null.
 *
 * @param id         message id, {@code msg_...}
 * @param sessionId  session id
 * @param role       {@code user} or {@code assistant}
 * @param parentId   id of the user message this assistant message answers
 * @param modelId    model id, e.g. {@code echo}
 * @param providerId provider id, e.g. {@code mock}
 * @param mode       agent mode
 * @param agent      agent name, e.g. {@code build}
 * @param cost       cost in USD
 * @param tokens     token usage
 * @param time       timestamps
 * @param error      the error when the turn failed
 * @param structured structured output when a JSON schema format was requested
 * @param finish     finish reason ({@code stop}, {@code tool-calls}, {@code length}, ...); absent on errors and aborts
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record MessageInfo(String id, @JsonProperty("sessionID") String sessionId, String role,
                          @JsonProperty("parentID") String parentId, @JsonProperty("modelID") String modelId,
                          @JsonProperty("providerID") String providerId, String mode, String agent, Double cost,
                          Tokens tokens, MessageTime time, MessageError error, JsonNode structured, String finish) {

    /** @return true for an assistant message */
    public boolean isAssistant() {
        return "assistant".equals(role);
    }

    /** @return true when {@code time.completed} is set */
    public boolean isCompleted() {
        return time != null && time.completed() != null;
    }
}
