package org.camelopencode.dispatch;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.camelopencode.client.EventListener;
import org.camelopencode.client.EventStream;
import org.camelopencode.client.Subscription;

/**
 * What watches one run's session: its subscription to the shared {@code GET /global/event} stream and its slow safety poll.
 * Opened once the session exists, closed with the attempt; what is opened after {@link #close()} (a run decided while
 * it was starting) is closed at once, so nothing stays subscribed or scheduled.
 */
final class SessionWatch {

    private volatile Subscription subscription;
    private volatile ScheduledFuture<?> poll;
    private volatile boolean closed;

    /**
     * @param events the server's event stream
     * @param sessionId the session
     * @param listener told the session's events
     */
    void subscribe(EventStream events, String sessionId, EventListener listener) {
        subscription = events.subscribe(sessionId, listener);
        if (closed) {
            subscription.close();
        }
    }

    /**
     * @param scheduler the dispatcher's timer
     * @param interval the time between looks
     * @param look asks the gate for a look (a safety net for lost events)
     */
    void poll(ScheduledExecutorService scheduler, Duration interval, Runnable look) {
        long millis = interval.toMillis();
        poll = scheduler.scheduleWithFixedDelay(look, millis, millis, TimeUnit.MILLISECONDS);
        if (closed) {
            poll.cancel(false);
        }
    }

    /** Unsubscribes and stops the poll. Idempotent. */
    void close() {
        closed = true;
        ScheduledFuture<?> polling = poll;
        if (polling != null) {
            polling.cancel(false);
        }
        Subscription current = subscription;
        if (current != null) {
            current.close();
        }
    }
}
