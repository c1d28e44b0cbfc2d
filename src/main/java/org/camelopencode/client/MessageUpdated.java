package org.camelopencode.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code message.updated}: {@code {sessionID, info}}.
 *
 * @param id         event id
 * @param type       {@code message.updated}
 * @param sessionId  {@code properties.sessionID}, may be null
 * @param properties raw properties
 * @param info       the message header
 */
public record MessageUpdated(String id, String type, String sessionId, JsonNode properties, MessageInfo info) implements OpenCodeEvent {
}
