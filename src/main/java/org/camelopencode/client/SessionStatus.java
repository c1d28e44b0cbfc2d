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

    /**
     * The last retry attempt OpenCode 1.18.33 makes on a failing provider (429, 5xx) before it ends the turn with the
     * provider's {@code APIError}; verified on 1.18.33 (statuses with attempts 1 to 5, then the final error).
     */
    public static final int OPENCODE_RETRY_LIMIT = 5;

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

    /**
     * Whether OpenCode is retrying beyond the point where 1.18.33 gives up ({@value #OPENCODE_RETRY_LIMIT} attempts).
     * OpenCode before 1.18 has no cap (measured on 1.1.65, 1.3.2, 1.14.48, 1.15.13 and 1.17.19): its retry loop retries
     * a failing provider for as long as it fails (with {@code retry-after-ms: 0}, thousands of times a second), so the
     * turn never ends with the provider's error; the control plane stops at the same point instead.
     *
     * @return true for a {@code retry} status with an attempt above {@value #OPENCODE_RETRY_LIMIT}
     */
    public boolean isPastRetryLimit() {
        return isRetry() && attempt != null && attempt > OPENCODE_RETRY_LIMIT;
    }

    /** @return true when nothing runs */
    public boolean isIdle() {
        return "idle".equals(type);
    }
}
