package org.camelopencode.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One event of the OpenCode event stream ({@code GET /event} frame data {@code {"id","type","properties"}},
 * or the {@code payload} of {@code GET /global/event}). Parsed by {@link EventParser}; unknown types become
 * {@link GenericEvent}, never dropped.
 */
public sealed interface OpenCodeEvent
        permits ServerConnected, ServerHeartbeat, SessionStatusChanged, SessionIdle, SessionError, MessageUpdated,
        MessagePartUpdated, MessagePartDelta, PermissionAsked, PermissionReplied, QuestionAsked, QuestionReplied,
        QuestionRejected, GenericEvent {

    /** @return the event id ({@code evt_...}), may be null */
    String id();

    /** @return the event type, e.g. {@code session.idle}; never null */
    String type();

    /** @return {@code properties.sessionID}, null for server-wide events */
    String sessionId();

    /** @return the raw {@code properties} object, never null (an empty object when absent) */
    JsonNode properties();
}
