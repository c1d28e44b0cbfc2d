package org.camelopencode.component;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.camelopencode.client.OpenCodeEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bounded hand-over between the shared event-stream reader (which {@link #offer}s and never waits) and the
 * {@code opencode:events} consumer's own thread (which {@link #poll}s and runs the route). When full, the
 * {@link BufferFullPolicy} decides which event is dropped; drops are counted and logged at WARN at most once per
 * {@code warnInterval}, with the number dropped since the last warning.
 */
final class EventBuffer {

    private static final Logger LOG = LoggerFactory.getLogger(EventBuffer.class);

    private final BlockingQueue<OpenCodeEvent> queue;
    private final BufferFullPolicy policy;
    private final String name;
    private final long warnIntervalNanos;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong droppedSinceWarning = new AtomicLong();
    private volatile long lastWarningNanos;

    /**
     * @param capacity     how many events may wait; at least 1
     * @param policy       what to drop when full
     * @param name         names the consumer in the warnings (an endpoint URI without secrets)
     * @param warnInterval the shortest time between two drop warnings
     * @throws IllegalArgumentException when capacity is below 1
     */
    EventBuffer(int capacity, BufferFullPolicy policy, String name, Duration warnInterval) {
        if (capacity < 1) {
            throw new IllegalArgumentException("bufferSize must be at least 1, got " + capacity);
        }
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.policy = policy == null ? BufferFullPolicy.dropOldest : policy;
        this.name = name;
        this.warnIntervalNanos = warnInterval.toNanos();
        this.lastWarningNanos = System.nanoTime() - warnIntervalNanos;
    }

    /**
     * Adds an event without ever waiting; when full, drops one event as the policy says.
     *
     * @param event the event
     */
    void offer(OpenCodeEvent event) {
        if (queue.offer(event)) {
            return;
        }
        if (policy == BufferFullPolicy.dropNewest) {
            countDrop();
            return;
        }
        // dropOldest: the drain thread may take an element concurrently, so retry until the new one fits.
        while (!queue.offer(event)) {
            if (queue.poll() != null) {
                countDrop();
            }
        }
    }

    /**
     * Waits for the next event.
     *
     * @param timeout how long to wait
     * @return the next event, or null when none came in time
     * @throws InterruptedException when the consumer stops
     */
    OpenCodeEvent poll(Duration timeout) throws InterruptedException {
        return queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** @return how many events were dropped since creation */
    long droppedCount() {
        return dropped.get();
    }

    /** @return how many events wait for the route now */
    int size() {
        return queue.size();
    }

    /** Empties the buffer (on stop); how many events were left undelivered is logged at WARN. */
    void clear() {
        int left = queue.size();
        queue.clear();
        if (left > 0) {
            LOG.warn("{}: stopping with {} undelivered events", name, left);
        }
    }

    private void countDrop() {
        dropped.incrementAndGet();
        droppedSinceWarning.incrementAndGet();
        long now = System.nanoTime();
        if (now - lastWarningNanos >= warnIntervalNanos) {
            lastWarningNanos = now;
            LOG.warn("{}: buffer full ({} events), policy {}: dropped {} events since the last warning ({} in total);"
                    + " the route is slower than the event stream", name, queue.remainingCapacity() + queue.size(), policy,
                    droppedSinceWarning.getAndSet(0), dropped.get());
        }
    }
}
