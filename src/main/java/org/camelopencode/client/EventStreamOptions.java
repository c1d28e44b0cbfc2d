package org.camelopencode.client;

import java.time.Duration;

/**
 * Tuning of an {@link EventStream}.
 *
 * @param heartbeatTimeout with no frame for this long the connection is dropped and reopened (the server sends a
 *                         heartbeat every 10 s)
 * @param initialBackoff   first wait before a reconnect, doubled per failed attempt
 * @param maxBackoff       longest wait between reconnect attempts
 */
public record EventStreamOptions(Duration heartbeatTimeout, Duration initialBackoff, Duration maxBackoff) {

    /** Validates: all positive, initialBackoff not above maxBackoff. */
    public EventStreamOptions {
        ClientOptions.requirePositive(heartbeatTimeout, "heartbeatTimeout");
        ClientOptions.requirePositive(initialBackoff, "initialBackoff");
        ClientOptions.requirePositive(maxBackoff, "maxBackoff");
        if (initialBackoff.compareTo(maxBackoff) > 0) {
            throw new IllegalArgumentException("initialBackoff " + initialBackoff + " exceeds maxBackoff " + maxBackoff);
        }
    }

    /** @return heartbeat timeout 25 s, backoff 250 ms up to 10 s */
    public static EventStreamOptions defaults() {
        return new EventStreamOptions(Duration.ofSeconds(25), Duration.ofMillis(250), Duration.ofSeconds(10));
    }
}
