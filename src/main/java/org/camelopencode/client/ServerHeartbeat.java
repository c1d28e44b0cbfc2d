package org.camelopencode.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code server.heartbeat}: sent by the server every 10 seconds.
 *
 * @param id         event id
 * @param type       {@code server.heartbeat}
 * @param sessionId  {@code properties.sessionID}, may be null
 * @param properties raw properties
 */
public record ServerHeartbeat(String id, String type, String sessionId, JsonNode properties) implements OpenCodeEvent {
}
