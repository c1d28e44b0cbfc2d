package org.camelopencode.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code message.part.delta}: {@code {sessionID, messageID, partID, field, delta}}, streamed text.
 *
 * @param id         event id
 * @param type       {@code message.part.delta}
 * @param sessionId  {@code properties.sessionID}, may be null
 * @param properties raw properties
 * @param messageId  {@code messageID}
 * @param partId     {@code partID}
 * @param field      the part field that grows, e.g. {@code text}
 * @param delta      the appended text
 */
public record MessagePartDelta(String id, String type, String sessionId, JsonNode properties, String messageId, String partId, String field, String delta) implements OpenCodeEvent {
}
