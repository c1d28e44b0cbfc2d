package org.camelopencode.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code permission.replied}: {@code {sessionID, requestID, reply}}.
 *
 * @param id         event id
 * @param type       {@code permission.replied}
 * @param sessionId  {@code properties.sessionID}, may be null
 * @param properties raw properties
 * @param requestId  {@code requestID}
 * @param reply      {@code once}, {@code always} or {@code reject}
 */
public record PermissionReplied(String id, String type, String sessionId, JsonNode properties, String requestId, String reply) implements OpenCodeEvent {
}
