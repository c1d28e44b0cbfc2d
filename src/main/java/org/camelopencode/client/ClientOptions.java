package org.camelopencode.client;

import java.time.Duration;
import java.util.Objects;

/**
 * Timeouts of the HTTP client.
 *
 * @param connectTimeout TCP connect timeout
 * @param requestTimeout time to wait for a response to an ordinary request (not the synchronous prompt,
 *                       which takes its own timeout, and not the event stream body)
 */
public record ClientOptions(Duration connectTimeout, Duration requestTimeout) {

    /** Validates that both timeouts are positive. */
    public ClientOptions {
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(requestTimeout, "requestTimeout");
    }

    /** @return connect 5 s, request 30 s */
    public static ClientOptions defaults() {
        return new ClientOptions(Duration.ofSeconds(5), Duration.ofSeconds(30));
    }

    static void requirePositive(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isZero() || duration.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive: " + duration);
        }
    }
}
