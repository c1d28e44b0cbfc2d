package org.camelopencode.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code session.status}: {@code {sessionID, status}}.
 *
 * @param id         event id
 * @param type       {@code session.status}
 * @param sessionId  {@code properties.sessionID}, may be null
 * @param properties raw properties
 * @param status     the new status
 */
public record SessionStatusChanged(String id, String type, String sessionId, JsonNode properties, SessionStatus status) implements OpenCodeEvent {
}
