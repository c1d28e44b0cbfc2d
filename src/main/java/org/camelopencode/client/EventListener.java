package org.camelopencode.client;

/**
 * Receives events of an {@link EventStream}. Called on the stream's reader thread: return fast, hand heavy work
 * to another thread. An exception thrown here is logged and does not stop the stream or other listeners.
 */
public interface EventListener {

    /** @param event an event of the subscribed session (or any event for an all-events subscription) */
    void onEvent(OpenCodeEvent event);

    /**
     * An event with the directory it came from; the stream calls this one. By default it calls {@link #onEvent(OpenCodeEvent)}.
     *
     * @param event     the event, as {@link #onEvent(OpenCodeEvent)}
     * @param directory the project directory of the event's instance ({@code directory} of a {@code GET /global/event}
     *                  frame), or {@code null} when the stream does not say ({@code GET /event}, server-wide events)
     */
    default void onEvent(OpenCodeEvent event, String directory) {
        onEvent(event);
    }

    /**
     * The stream (re)connected. The server does not replay missed events: after a reconnect, re-sync from
     * {@code GET /session/status} and {@code GET /session/{id}/message}.
     *
     * @param reconnected false for the first connection of the stream, true for every later one
     */
    default void onConnected(boolean reconnected) {
    }

    /** @param cause why the connection was lost (EOF, I/O error, heartbeat timeout) */
    default void onDisconnected(Throwable cause) {
    }

    /**
     * A frame could not be parsed and was skipped. Only all-events subscriptions get this (the session is unknown).
     *
     * @param frame the frame data
     * @param error the parse error
     */
    default void onMalformedFrame(String frame, Exception error) {
    }
}
