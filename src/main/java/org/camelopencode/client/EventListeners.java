package org.camelopencode.client;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listeners of one {@link EventStream}: those of one session (looked up by the event's {@code sessionID}, O(1) in
 * the number of sessions) and those of every event. A listener's exception is logged and ignored; once the stream is
 * closed nobody is called any more. Thread-safe: listeners come and go while the reader thread delivers.
 */
final class EventListeners {

    private static final Logger LOG = LoggerFactory.getLogger(EventStream.class);

    private final ConcurrentHashMap<String, List<EventListener>> sessionListeners = new ConcurrentHashMap<>();
    private final List<EventListener> allEventListeners = new CopyOnWriteArrayList<>();
    private final String streamName;
    private final BooleanSupplier closed;

    /**
     * @param streamName the stream in log lines, e.g. {@code GET /global/event on http://127.0.0.1:4096}
     * @param closed     whether the stream is closed (then nobody is called)
     */
    EventListeners(String streamName, BooleanSupplier closed) {
        this.streamName = Objects.requireNonNull(streamName, "streamName");
        this.closed = Objects.requireNonNull(closed, "closed");
    }

    /** See {@link EventStream#subscribe}. */
    Subscription subscribe(String sessionId, EventListener listener) {
        Objects.requireNonNull(listener, "listener");
        if (sessionId == null) {
            allEventListeners.add(listener);
            return () -> allEventListeners.remove(listener);
        }
        sessionListeners.compute(sessionId, (key, listeners) -> {
            List<EventListener> result = listeners == null ? new CopyOnWriteArrayList<>() : listeners;
            result.add(listener);
            return result;
        });
        return () -> sessionListeners.computeIfPresent(sessionId, (key, listeners) -> {
            listeners.remove(listener);
            return listeners.isEmpty() ? null : listeners;
        });
    }

    /** Calls the event's session listeners, then the all-events listeners. */
    void deliver(OpenCodeEvent event, String directory) {
        String sessionId = event.sessionId();
        if (sessionId != null) {
            List<EventListener> listeners = sessionListeners.get(sessionId);
            if (listeners != null) {
                listeners.forEach(listener -> callSafely(each -> each.onEvent(event, directory), listener,
                        "onEvent(" + event.type() + ")"));
            }
        }
        allEventListeners.forEach(listener -> callSafely(each -> each.onEvent(event, directory), listener,
                "onEvent(" + event.type() + ")"));
    }

    /** Reports a frame that could not be parsed to the all-events listeners. */
    void malformed(String frame, OpenCodeProtocolException problem) {
        allEventListeners.forEach(listener -> callSafely(each -> each.onMalformedFrame(frame, problem), listener,
                "onMalformedFrame"));
    }

    /** Tells every listener that the stream (re)connected. */
    void connected(boolean reconnected) {
        forEach(listener -> listener.onConnected(reconnected), "onConnected");
    }

    /** Tells every listener that the stream was lost. */
    void disconnected(Throwable cause) {
        forEach(listener -> listener.onDisconnected(cause), "onDisconnected");
    }

    private void forEach(Consumer<EventListener> call, String callbackName) {
        for (List<EventListener> listeners : sessionListeners.values()) {
            for (EventListener listener : listeners) {
                callSafely(call, listener, callbackName);
            }
        }
        for (EventListener listener : allEventListeners) {
            callSafely(call, listener, callbackName);
        }
    }

    private void callSafely(Consumer<EventListener> call, EventListener listener, String callbackName) {
        if (closed.getAsBoolean()) {
            return;
        }
        try {
            call.accept(listener);
        } catch (RuntimeException e) {
            LOG.error("{}: listener {} failed; the stream goes on", streamName, callbackName, e);
        }
    }
}
