package org.camelopencode.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code session.error}: {@code {sessionID?, error?}}; also published when compaction recovers from an overflow.
 *
 * @param id         event id
 * @param type       {@code session.error}
 * @param sessionId  {@code properties.sessionID}, may be null
 * @param properties raw properties
 * @param error      the error, may be null
 */
public record SessionError(String id, String type, String sessionId, JsonNode properties, MessageError error) implements OpenCodeEvent {
}
