package org.camelopencode.server;

import java.time.Duration;
import java.util.Objects;

/**
 * Delays between restarts of a failing server: {@code initial}, doubling, capped at {@code maximum}; back to
 * {@code initial} once a start stayed healthy for {@code maximum} (a server that crashes right after every start
 * keeps backing off). Not thread-safe: the supervisor owns it.
 */
public final class RestartBackoff {

    private final Duration initial;
    private final Duration maximum;
    private Duration next;

    /**
     * @param initial first delay, positive
     * @param maximum largest delay, at least {@code initial}
     * @throws IllegalArgumentException when the bounds are not positive or reversed
     */
    public RestartBackoff(Duration initial, Duration maximum) {
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(maximum, "maximum");
        if (initial.isNegative() || initial.isZero() || maximum.compareTo(initial) < 0) {
            throw new IllegalArgumentException("restart backoff needs 0 < initial <= maximum, got " + initial + " and " + maximum);
        }
        this.initial = initial;
        this.maximum = maximum;
        this.next = initial;
    }

    /** @return the delay before the next restart; the one after it is twice as long, up to the maximum */
    public Duration nextDelay() {
        Duration delay = next;
        Duration doubled = next.multipliedBy(2);
        next = doubled.compareTo(maximum) > 0 ? maximum : doubled;
        return delay;
    }

    /**
     * Resets the delay when the server has been healthy long enough to count as recovered.
     *
     * @param healthyFor how long the current start has been healthy
     */
    public void recordHealthy(Duration healthyFor) {
        if (healthyFor.compareTo(maximum) >= 0) {
            next = initial;
        }
    }
}
