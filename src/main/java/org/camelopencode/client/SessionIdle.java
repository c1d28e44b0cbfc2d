package org.camelopencode.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code session.idle}: {@code {sessionID}}; may arrive before the final {@code message.updated}.
 *
 * @param id         event id
 * @param type       {@code session.idle}
 * @param sessionId  {@code properties.sessionID}, may be null
 * @param properties raw properties
 */
public record SessionIdle(String id, String type, String sessionId, JsonNode properties) implements OpenCodeEvent {
}
