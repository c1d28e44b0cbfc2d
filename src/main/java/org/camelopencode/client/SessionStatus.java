package org.camelopencode.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Status of a session, from {@code GET /session/status} and the {@code session.status} event:
 * {@code {"type":"busy"}}, {@code {"type":"idle"}} or {@code {"type":"retry","attempt":n,"message":"...","next":epochMs}}.
 *
 * @param type    {@code idle}, {@code busy} or {@code retry}
 * @param attempt retry attempt number (retry only)
 * @param message reason of the retry, e.g. {@code Rate limit reached} (retry only)
 * @param next    epoch milliseconds of the next attempt (retry only)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SessionStatus(String type, Integer attempt, String message, Long next) {

    private static final SessionStatus IDLE = new SessionStatus("idle", null, null, null);

    /** @return the idle status (the server omits idle sessions from {@code GET /session/status}) */
    public static SessionStatus idle() {
        return IDLE;
    }

    /** @return true when a turn is running */
    public boolean isBusy() {
        return "busy".equals(type);
    }

    /** @return true when the server waits to retry a failed provider call */
    public boolean isRetry() {
        return "retry".equals(type);
    }

    /** @return true when nothing runs */
    public boolean isIdle() {
        return "idle".equals(type);
    }
}
