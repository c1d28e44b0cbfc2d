package org.camelopencode.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code server.connected}: the first event of every {@code GET /event} connection.
 *
 * @param id         event id
 * @param type       {@code server.connected}
 * @param sessionId  {@code properties.sessionID}, may be null
 * @param properties raw properties
 */
public record ServerConnected(String id, String type, String sessionId, JsonNode properties) implements OpenCodeEvent {
}
