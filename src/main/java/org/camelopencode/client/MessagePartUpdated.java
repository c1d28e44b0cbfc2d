package org.camelopencode.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code message.part.updated}: {@code {sessionID, part}}.
 *
 * @param id         event id
 * @param type       {@code message.part.updated}
 * @param sessionId  {@code properties.sessionID}, may be null
 * @param properties raw properties
 * @param part       the part
 */
public record MessagePartUpdated(String id, String type, String sessionId, JsonNode properties, Part part) implements OpenCodeEvent {
}
