package org.camelopencode.component;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.camelopencode.client.EventStream;

/**
 * Readiness of one OpenCode server's shared {@code GET /global/event} stream, which every dispatch on that server listens to:
 * UP while connected, DOWN while disconnected (it reconnects with backoff; a stream silent past the heartbeat timeout
 * counts as disconnected) or while no server runs. Details: {@code connected}, {@code lastEventAt} (ISO-8601,
 * heartbeats included), {@code reconnects}. Id {@code opencode-event-stream:<name>}, group {@code opencode};
 * readiness only.
 */
public final class OpenCodeEventStreamHealthCheck extends ServerHealthCheckSupport {

    /** Prefix of the check's id; the server's name follows. */
    public static final String PREFIX = "opencode-event-stream:";

    /**
     * @param component  the component using the server
     * @param serverName the server's name ({@code instance-1}, or its URL)
     */
    public OpenCodeEventStreamHealthCheck(OpenCodeComponent component, String serverName) {
        super(PREFIX, component, serverName);
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        Optional<ServerConnection> connection = serverInUse().map(ServerInUse::connection);
        if (connection.isEmpty()) {
            builder.message("no OpenCode server runs for " + serverName() + ", so no event stream").down();
            return;
        }
        EventStream stream;
        try {
            stream = connection.get().client().eventStream();
        } catch (IllegalStateException closed) {
            builder.message("the connection to " + serverName() + " is closed").down();
            return;
        }
        report(builder, stream);
    }

    /**
     * The verdict on one shared {@code GET /global/event} stream, also used by {@link OpenCodeEventsHealthCheck}: details
     * {@code connected}, {@code lastEventAt} (ISO-8601 or {@code never}) and {@code reconnects}; UP while connected,
     * else DOWN with a message naming the server (no credentials).
     *
     * @param builder the check's result
     * @param stream  the stream
     */
    static void report(HealthCheckResultBuilder builder, EventStream stream) {
        boolean connected = stream.isConnected();
        Instant lastEventAt = stream.lastEventAt();
        builder.detail("connected", connected);
        builder.detail("lastEventAt", lastEventAt == null ? "never" : lastEventAt.toString());
        builder.detail("reconnects", stream.reconnectCount());
        if (connected) {
            builder.up();
        } else {
            builder.message("The event stream of " + stream.endpoint().baseUri() + " is disconnected; reconnecting").down();
        }
    }
}
