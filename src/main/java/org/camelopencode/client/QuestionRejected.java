package org.camelopencode.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code question.rejected}: {@code {sessionID, requestID}}.
 *
 * @param id         event id
 * @param type       {@code question.rejected}
 * @param sessionId  {@code properties.sessionID}, may be null
 * @param properties raw properties
 * @param requestId  {@code requestID}
 */
public record QuestionRejected(String id, String type, String sessionId, JsonNode properties, String requestId) implements OpenCodeEvent {
}
