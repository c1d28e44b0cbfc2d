package org.camelopencode.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code question.asked}: {@code {id, sessionID, questions, tool?}}.
 *
 * @param id         event id
 * @param type       {@code question.asked}
 * @param sessionId  {@code properties.sessionID}, may be null
 * @param properties raw properties
 * @param request    the pending request
 */
public record QuestionAsked(String id, String type, String sessionId, JsonNode properties, QuestionRequest request) implements OpenCodeEvent {
}
