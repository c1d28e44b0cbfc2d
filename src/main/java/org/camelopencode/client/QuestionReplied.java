package org.camelopencode.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code question.replied}: {@code {sessionID, requestID, answers}}.
 *
 * @param id         event id
 * @param type       {@code question.replied}
 * @param sessionId  {@code properties.sessionID}, may be null
 * @param properties raw properties
 * @param requestId  {@code requestID}
 */
public record QuestionReplied(String id, String type, String sessionId, JsonNode properties, String requestId) implements OpenCodeEvent {
}
