package org.camelopencode.component;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.stream.Collectors;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.health.HealthCheckRepository;
import org.apache.camel.support.DefaultConsumer;
import org.camelopencode.client.EventListener;
import org.camelopencode.client.EventStream;
import org.camelopencode.client.OpenCodeEvent;
import org.camelopencode.client.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code opencode:events} consumer: one exchange per event of the server's shared event stream, which is
 * {@code GET /global/event} on every tested OpenCode version ({@link org.camelopencode.client.EventRoute}): it carries
 * the events of EVERY directory the server serves (tasks with their own {@code directory} included); the
 * {@code directory} option keeps only one directory's events (and server-wide ones).
 *
 * <p>It subscribes to the component's shared {@link EventStream} of that server (no connection of its own), so the
 * reconnect with bounded backoff and the 10 s heartbeat watchdog are the stream's. The stream's reader thread only
 * filters (by {@code eventTypes} and {@code sessionId}) and puts the event in a bounded {@link EventBuffer}; this
 * consumer's own thread takes events from there and runs the route, so a slow route never blocks the stream (when the
 * buffer is full the {@link BufferFullPolicy} drops an event and counts it).
 *
 * <p>Exchange: body = the typed {@link OpenCodeEvent}; headers {@link OpenCodeConstants#EVENT_TYPE},
 * {@link OpenCodeConstants#EVENT_ID}, {@link OpenCodeConstants#SESSION_ID} and {@link OpenCodeConstants#DIRECTORY} (the
 * last two when the event names them). The server has no replay: after a reconnect it sends {@code server.connected}
 * first, which a route can take as its signal to re-read state ({@code GET /session/status}).
 *
 * <p>Route failures and malformed frames go to {@link #getExceptionHandler()}; the stream goes on. Readiness is
 * reported by an {@link OpenCodeEventsHealthCheck} (DOWN while the stream is disconnected).
 */
public class OpenCodeEventsConsumer extends DefaultConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(OpenCodeEventsConsumer.class);
    private static final String HEARTBEAT = "server.heartbeat";
    private static final Duration POLL_INTERVAL = Duration.ofMillis(500);
    private static final Duration DROP_WARNING_INTERVAL = Duration.ofSeconds(5);

    private final OpenCodeEndpoint endpoint;
    private final Set<String> eventTypes;
    private volatile EventStream stream;
    private volatile EventBuffer buffer;
    private volatile Subscription subscription;
    private volatile ExecutorService drainExecutor;
    private volatile boolean running;

    /**
     * @param endpoint  the {@code opencode:events} endpoint
     * @param processor the route
     * @throws IllegalArgumentException when {@code bufferSize} is below 1
     */
    public OpenCodeEventsConsumer(OpenCodeEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
        this.endpoint = endpoint;
        this.eventTypes = parseEventTypes(endpoint.getConfiguration().getEventTypes());
        if (endpoint.getConfiguration().getBufferSize() < 1) {
            throw new IllegalArgumentException("bufferSize must be at least 1, got " + endpoint.getConfiguration().getBufferSize());
        }
    }

    /**
     * @param eventTypes comma-separated types, may be null or blank
     * @return the trimmed non-empty types; empty = all types except {@code server.heartbeat}
     */
    static Set<String> parseEventTypes(String eventTypes) {
        if (eventTypes == null || eventTypes.isBlank()) {
            return Set.of();
        }
        return Arrays.stream(eventTypes.split(",")).map(String::trim).filter(type -> !type.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }

    /**
     * @param type an event type
     * @return whether this consumer delivers events of that type
     */
    boolean accepts(String type) {
        return eventTypes.isEmpty() ? !HEARTBEAT.equals(type) : eventTypes.contains(type);
    }

    /**
     * @param event an event
     * @param frameDirectory the directory its {@code GET /global/event} frame names, or {@code null}
     * @return whether the {@code directory} option lets it through: always when unset; else when the frame's directory
     *     (else the one the event's properties name) is that directory, or the event names none (server-wide events
     *     such as {@code server.connected})
     */
    boolean inDirectory(OpenCodeEvent event, String frameDirectory) {
        String wanted = emptyToNull(endpoint.getConfiguration().getDirectory());
        if (wanted == null) {
            return true;
        }
        String directory = frameDirectory != null ? frameDirectory : directoryOf(event.properties());
        return directory == null || java.nio.file.Path.of(wanted).equals(java.nio.file.Path.of(directory));
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        OpenCodeConfiguration configuration = endpoint.getConfiguration();
        buffer = new EventBuffer(configuration.getBufferSize(), configuration.getBufferFullPolicy(), describe(),
                DROP_WARNING_INTERVAL);
        running = true;
        drainExecutor = endpoint.getCamelContext().getExecutorServiceManager().newSingleThreadExecutor(this, "OpenCodeEvents");
        drainExecutor.execute(this::drain);
        stream = endpoint.servers().primaryConnection().client().eventStream();
        subscription = stream.subscribe(emptyToNull(configuration.getSessionId()), new BufferingListener());
        registerHealthCheck();
    }

    @Override
    protected void doStop() throws Exception {
        running = false;
        if (subscription != null) {
            subscription.close();
            subscription = null;
        }
        if (drainExecutor != null) {
            endpoint.getCamelContext().getExecutorServiceManager().shutdownNow(drainExecutor);
            drainExecutor = null;
        }
        if (buffer != null) {
            buffer.clear();
            if (buffer.droppedCount() > 0) {
                LOG.warn("{}: {} events were dropped in total because the route was slower than the stream", describe(),
                        buffer.droppedCount());
            }
        }
        super.doStop();
    }

    /** @return the shared event stream this consumer reads, or null before start */
    EventStream stream() {
        return stream;
    }

    /** @return how many events were dropped because the buffer was full (0 before start) */
    public long getDroppedCount() {
        EventBuffer current = buffer;
        return current == null ? 0 : current.droppedCount();
    }

    /** @return how many events wait for the route now (0 before start) */
    public int getBufferedCount() {
        EventBuffer current = buffer;
        return current == null ? 0 : current.size();
    }

    /**
     * As camel-kafka does: when Camel's {@code consumers} health-check repository exists (camel-health on the
     * classpath), this consumer carries an {@link OpenCodeEventsHealthCheck}; the repository's per-route check
     * ({@code consumer:<routeId>}) reports it with the route's readiness.
     */
    private void registerHealthCheck() {
        HealthCheckRepository repository = HealthCheckHelper.getHealthCheckRepository(endpoint.getCamelContext(), "consumers",
                HealthCheckRepository.class);
        if (repository != null) {
            setHealthCheck(new OpenCodeEventsHealthCheck(this, getRouteId()));
        }
    }

    /** Runs on this consumer's own thread: one exchange per buffered event, in order. */
    private void drain() {
        while (running && !Thread.currentThread().isInterrupted()) {
            OpenCodeEvent event;
            try {
                event = buffer.poll(POLL_INTERVAL);
            } catch (InterruptedException stopping) {
                Thread.currentThread().interrupt();
                return;
            }
            if (event != null && running) {
                deliver(event);
            }
        }
    }

    private void deliver(OpenCodeEvent event) {
        Exchange exchange = createExchange(false);
        try {
            Message message = exchange.getMessage();
            message.setBody(event);
            message.setHeader(OpenCodeConstants.EVENT_TYPE, event.type());
            setIfPresent(message, OpenCodeConstants.EVENT_ID, event.id());
            setIfPresent(message, OpenCodeConstants.SESSION_ID, event.sessionId());
            setIfPresent(message, OpenCodeConstants.DIRECTORY, directoryOf(event.properties()));
            getProcessor().process(exchange);
        } catch (Exception failure) {
            exchange.setException(failure);
        }
        if (exchange.getException() != null) {
            getExceptionHandler().handleException("Error processing OpenCode event " + event.type(), exchange,
                    exchange.getException());
        }
        releaseExchange(exchange, false);
    }

    /**
     * @param properties an event's properties
     * @return {@code properties.directory}, else {@code properties.info.directory} (session events), else null
     */
    static String directoryOf(JsonNode properties) {
        JsonNode direct = properties.path("directory");
        if (direct.isTextual()) {
            return direct.asText();
        }
        JsonNode nested = properties.path("info").path("directory");
        return nested.isTextual() ? nested.asText() : null;
    }

    private String describe() {
        OpenCodeConfiguration configuration = endpoint.getConfiguration();
        return "opencode:events[" + (configuration.getServerUrl() == null ? "managed" : configuration.getServerUrl())
                + (configuration.getSessionId() == null ? "" : ", session " + configuration.getSessionId()) + "]";
    }

    private static void setIfPresent(Message message, String header, String value) {
        if (value != null) {
            message.setHeader(header, value);
        }
    }

    private static String emptyToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    /** Runs on the shared stream's reader thread: filter and hand over, never wait. */
    private final class BufferingListener implements EventListener {

        @Override
        public void onEvent(OpenCodeEvent event) {
            onEvent(event, null);
        }

        @Override
        public void onEvent(OpenCodeEvent event, String directory) {
            if (running && accepts(event.type()) && inDirectory(event, directory)) {
                buffer.offer(event);
            }
        }

        @Override
        public void onMalformedFrame(String frame, Exception error) {
            getExceptionHandler().handleException("Skipped a malformed OpenCode event frame", error);
        }
    }
}
