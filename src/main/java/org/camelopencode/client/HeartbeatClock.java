package org.camelopencode.client;

import java.time.Duration;
import java.util.Objects;

/**
 * How long an {@link EventStream} connection may stay silent before its watchdog drops it, learned from the server's
 * {@code server.heartbeat} frames. OpenCode 1.3.2 and 1.18.33 send one every 10 s, 1.1.65 every 30 s (measured):
 * a fixed 25 s timeout dropped every idle connection to 1.1.65 just before its first heartbeat.
 *
 * <p>Rule: until a connection's first heartbeat, {@value #UNTIL_FIRST_HEARTBEAT} times the configured timeout (or
 * the learned allowance, when longer); afterwards the configured timeout, or {@value #INTERVALS_ALLOWED} heartbeat
 * intervals when the server's interval (the latest one measured, between connect and heartbeat or two heartbeats) is
 * longer. Works on {@link System#nanoTime()} readings passed in; thread-safe (the reader thread writes, the watchdog
 * reads).
 */
final class HeartbeatClock {

    /** Multiple of the configured timeout allowed before a connection's first heartbeat. */
    static final int UNTIL_FIRST_HEARTBEAT = 3;
    /** Heartbeat intervals of silence allowed once the interval is known. */
    static final double INTERVALS_ALLOWED = 2.5;

    private final long configuredNanos;
    private volatile long intervalNanos;
    private volatile long lastBeatNanos;
    private volatile boolean beatSeen;

    /**
     * @param configured the configured heartbeat timeout ({@link EventStreamOptions#heartbeatTimeout()})
     */
    HeartbeatClock(Duration configured) {
        this.configuredNanos = Objects.requireNonNull(configured, "configured").toNanos();
    }

    /** @param nowNanos when a connection opened */
    void connected(long nowNanos) {
        lastBeatNanos = nowNanos;
        beatSeen = false;
    }

    /** @param nowNanos when a {@code server.heartbeat} frame arrived */
    void heartbeat(long nowNanos) {
        intervalNanos = nowNanos - lastBeatNanos;
        lastBeatNanos = nowNanos;
        beatSeen = true;
    }

    /** @return the longest silence allowed now, in nanoseconds */
    long allowedSilenceNanos() {
        long allowed = Math.max(configuredNanos, (long) (intervalNanos * INTERVALS_ALLOWED));
        return beatSeen ? allowed : Math.max(allowed, configuredNanos * UNTIL_FIRST_HEARTBEAT);
    }

    /** @return {@link #allowedSilenceNanos()} as a duration, for messages */
    Duration allowedSilence() {
        return Duration.ofNanos(allowedSilenceNanos());
    }
}
