package org.camelopencode.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code permission.asked}: {@code {id, sessionID, permission, patterns, metadata, always, tool?}}.
 *
 * @param id         event id
 * @param type       {@code permission.asked}
 * @param sessionId  {@code properties.sessionID}, may be null
 * @param properties raw properties
 * @param request    the pending request
 */
public record PermissionAsked(String id, String type, String sessionId, JsonNode properties, PermissionRequest request) implements OpenCodeEvent {
}
