package org.camelopencode.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Any event type without a dedicated record ({@code session.created}, {@code session.diff}, {@code todo.updated},
 * ...). Kept so nothing is lost.
 *
 * @param id         event id
 * @param type       the event type
 * @param sessionId  {@code properties.sessionID}, may be null
 * @param properties raw properties
 */
public record GenericEvent(String id, String type, String sessionId, JsonNode properties) implements OpenCodeEvent {
}
