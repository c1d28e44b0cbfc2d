package org.camelopencode.dispatch;

import java.time.Duration;

/**
 * How the dispatcher watches sessions. The event stream drives the gate; these are the fallbacks.
 *
 * @param pollInterval how often a running attempt re-reads {@code GET /session/status} and its
 *     messages even when events flow (a safety net for lost events); default 10 s
 * @param settleTimeout how long after the session went idle the final assistant message may take
 *     to appear completed ({@code session.idle} can arrive before the final
 *     {@code message.updated}); default 15 s
 * @param serverLostTimeout how long the server may stay unreachable before the attempt fails as
 *     {@code provider_unavailable}; default 30 s
 * @param workerThreads threads for the short HTTP calls of all dispatches (the waiting itself holds
 *     no thread); default 8
 */
public record DispatchOptions(Duration pollInterval, Duration settleTimeout, Duration serverLostTimeout, int workerThreads) {

    /** Validates the fields. */
    public DispatchOptions {
        requirePositive(pollInterval, "pollInterval");
        requirePositive(settleTimeout, "settleTimeout");
        requirePositive(serverLostTimeout, "serverLostTimeout");
        if (workerThreads < 1) {
            throw new IllegalArgumentException("workerThreads must be at least 1, was " + workerThreads);
        }
    }

    /** @return 10 s poll, 15 s settle, 30 s server loss, 8 worker threads */
    public static DispatchOptions defaults() {
        return new DispatchOptions(Duration.ofSeconds(10), Duration.ofSeconds(15), Duration.ofSeconds(30), 8);
    }

    /** @return a copy with another poll interval */
    public DispatchOptions withPollInterval(Duration interval) {
        return new DispatchOptions(interval, settleTimeout, serverLostTimeout, workerThreads);
    }

    /** @return a copy with another server-loss timeout */
    public DispatchOptions withServerLostTimeout(Duration timeout) {
        return new DispatchOptions(pollInterval, settleTimeout, timeout, workerThreads);
    }

    private static void requirePositive(Duration value, String name) {
        if (value == null || value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }
}
