package org.camelopencode.failure;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import org.camelopencode.client.MessageError;
import org.camelopencode.client.SessionStatus;

/**
 * How long the provider (or OpenCode) asked to wait before the next try. Stateless; the current
 * time is a parameter so the parsing stays testable.
 *
 * <p>Sources, as OpenCode 1.18.33 reports them:
 * <ul>
 *   <li>the {@code responseHeaders} of an {@code APIError} (final assistant message or
 *       {@code session.error}): {@code retry-after-ms} (milliseconds, preferred, as OpenCode
 *       itself does), else {@code retry-after} (seconds, or an HTTP date);</li>
 *   <li>a {@code session.status} of type {@code retry} ({@code GET /session/status} or the
 *       {@code session.status} event): {@code next} is the epoch millisecond of OpenCode's next try.</li>
 * </ul>
 */
public final class RetryAfter {

    private RetryAfter() {
    }

    /**
     * @param error the error of the final assistant message or of {@code session.error}, or {@code null}
     * @param now the current time, for {@code retry-after} given as an HTTP date
     * @return the delay the provider's response headers ask for, or {@code null} when they name none
     *     (or a malformed one); never negative
     */
    public static Duration fromError(MessageError error, Instant now) {
        if (error == null) {
            return null;
        }
        return fromHeaders(error.responseHeaders(), now);
    }

    /**
     * @param headers response headers (names in any case)
     * @param now the current time
     * @return the delay from {@code retry-after-ms}, else {@code retry-after}, or {@code null}
     */
    public static Duration fromHeaders(Map<String, String> headers, Instant now) {
        String millis = header(headers, "retry-after-ms");
        Duration fromMillis = parseNumber(millis, 1);
        if (fromMillis != null) {
            return fromMillis;
        }
        String value = header(headers, "retry-after");
        if (value == null) {
            return null;
        }
        Duration fromSeconds = parseNumber(value, 1000);
        if (fromSeconds != null) {
            return fromSeconds;
        }
        try {
            Instant at = ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            return nonNegative(Duration.between(now, at));
        } catch (DateTimeParseException notADate) {
            return null;
        }
    }

    /**
     * @param status a session status
     * @param now the current time
     * @return the time until OpenCode's next try when the status is {@code retry} with a {@code next}
     *     still ahead; {@code null} otherwise (not retrying, or the time has passed)
     */
    public static Duration fromStatus(SessionStatus status, Instant now) {
        if (status == null || !status.isRetry() || status.next() == null) {
            return null;
        }
        Duration remaining = Duration.between(now, Instant.ofEpochMilli(status.next()));
        return remaining.isNegative() ? null : remaining;
    }

    /**
     * Classifies the reason OpenCode gives while it waits to retry a provider call.
     *
     * @param status a {@code retry} status, for example {@code {"message":"Rate limit reached for requests."}}
     * @return rate_limited when the message names a rate limit or too many requests, else provider_unavailable
     */
    public static FailureKind kindOf(SessionStatus status) {
        String message = status == null || status.message() == null ? "" : status.message().toLowerCase(Locale.ROOT);
        return message.contains("rate limit") || message.contains("rate_limit") || message.contains("too many requests")
                || message.contains("429") ? FailureKind.RATE_LIMITED : FailureKind.PROVIDER_UNAVAILABLE;
    }

    private static String header(Map<String, String> headers, String name) {
        if (headers == null) {
            return null;
        }
        for (Map.Entry<String, String> entry : headers.entrySet()) {
            if (entry.getKey() != null && entry.getKey().equalsIgnoreCase(name) && entry.getValue() != null
                    && !entry.getValue().isBlank()) {
                return entry.getValue();
            }
        }
        return null;
    }

    private static Duration parseNumber(String text, long millisPerUnit) {
        if (text == null) {
            return null;
        }
        try {
            double value = Double.parseDouble(text.strip());
            if (Double.isNaN(value) || Double.isInfinite(value)) {
                return null;
            }
            return nonNegative(Duration.ofMillis((long) Math.ceil(value * millisPerUnit)));
        } catch (NumberFormatException notANumber) {
            return null;
        }
    }

    private static Duration nonNegative(Duration duration) {
        return duration.isNegative() ? Duration.ZERO : duration;
    }
}
