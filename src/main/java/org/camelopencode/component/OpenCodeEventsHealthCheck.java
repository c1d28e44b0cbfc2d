package org.camelopencode.component;

import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.camelopencode.client.EventStream;

/**
 * Readiness of one {@code opencode:events} consumer: UP while its server's shared {@code GET /global/event} stream is
 * connected, DOWN while it is disconnected (the stream keeps reconnecting with backoff; a stream silent past the
 * heartbeat timeout is dropped and counts as disconnected). Details: {@code connected}, {@code lastEventAt} (ISO-8601,
 * heartbeats included), {@code reconnects}, {@code buffered} and {@code dropped} events. Id
 * {@code consumer:opencode-events-<routeId>}, group {@code camel}; readiness only (a lost server is not a reason to
 * restart this JVM).
 */
public final class OpenCodeEventsHealthCheck extends AbstractHealthCheck {

    private final OpenCodeEventsConsumer consumer;

    /**
     * @param consumer the consumer to report on
     * @param routeId  its route's id, part of the check's id
     */
    public OpenCodeEventsHealthCheck(OpenCodeEventsConsumer consumer, String routeId) {
        super("camel", "consumer:opencode-events-" + routeId);
        this.consumer = consumer;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        EventStream stream = consumer.stream();
        if (stream == null) {
            builder.message("opencode:events consumer not started").down();
            return;
        }
        builder.detail("buffered", consumer.getBufferedCount());
        builder.detail("dropped", consumer.getDroppedCount());
        builder.detail("server", stream.endpoint().baseUri().toString());
        OpenCodeEventStreamHealthCheck.report(builder, stream);
    }
}
