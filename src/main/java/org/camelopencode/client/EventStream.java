package org.camelopencode.client;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one shared connection to a server's {@code GET /event} SSE stream (or {@code GET /global/event}, see
 * {@link EventRoute}), demultiplexed by {@code sessionID}.
 *
 * <p>One daemon reader thread ({@code opencode-events-<port>}) reads frames with {@link SseFrameReader}, parses them
 * with {@link EventParser} and calls listeners: first those subscribed to the event's session (a map lookup,
 * O(1) in the number of sessions), then the all-events listeners. A listener exception is logged and ignored.
 * A malformed frame is logged at WARN, reported to all-events listeners via
 * {@link EventListener#onMalformedFrame} and skipped.
 *
 * <p>Reconnects on EOF, I/O error, a non-200 answer (401 included, logged as an authentication failure) and when
 * no frame arrived for {@link EventStreamOptions#heartbeatTimeout()} (watchdog; longer before a connection's first
 * heartbeat and for servers with a slower heartbeat, see {@link HeartbeatClock}), with exponential backoff from
 * {@code initialBackoff} to {@code maxBackoff}, reset after a successful connect. Every connect calls
 * {@link EventListener#onConnected(boolean)} on all listeners, every loss {@link EventListener#onDisconnected}.
 * The server has no replay: listeners re-sync themselves after a reconnect.
 */
public final class EventStream implements AutoCloseable {

    private static final Duration MAX_HEADERS_WAIT = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(EventStream.class);
    private static final int ERROR_BODY_LIMIT = 2048;

    /** Shared by all streams: it only checks timestamps and closes stale connections. */
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "opencode-events-watchdog");
        thread.setDaemon(true);
        return thread;
    });

    private final ServerEndpoint endpoint;
    private final ClientOptions options;
    private final EventStreamOptions streamOptions;
    private final HttpClient httpClient;
    private final EventParser parser = new EventParser();
    private final EventRoute route;
    /** {@code GET /event} or {@code GET /global/event}, in log lines and errors. */
    private final String request;
    private final EventListeners listeners;
    private final CountDownLatch closedSignal = new CountDownLatch(1);
    private final AtomicLong reconnects = new AtomicLong();

    private final Object lifecycleLock = new Object();
    private Thread readerThread;
    private volatile boolean closed;
    private volatile boolean connected;
    private volatile InputStream currentBody;
    private volatile long lastFrameNanos;
    private volatile Instant lastEventAt;
    private volatile boolean watchdogTripped;
    private final HeartbeatClock heartbeats;

    /**
     * Creates a stopped stream; call {@link #start()}.
     *
     * @param endpoint      the server
     * @param options       connect timeout, and the request timeout used while waiting for the response headers
     * @param streamOptions heartbeat timeout and backoff
     */
    public EventStream(ServerEndpoint endpoint, ClientOptions options, EventStreamOptions streamOptions) {
        this(endpoint, options, streamOptions, EventRoute.EVENT);
    }

    /**
     * Creates a stopped stream on a chosen route; call {@link #start()}.
     *
     * @param endpoint      the server
     * @param options       connect timeout, and the request timeout used while waiting for the response headers
     * @param streamOptions heartbeat timeout and backoff
     * @param route         {@code /event}, or {@code /global/event} where the first is broken ({@link EventRoute#forVersion})
     */
    public EventStream(ServerEndpoint endpoint, ClientOptions options, EventStreamOptions streamOptions, EventRoute route) {
        this.route = Objects.requireNonNull(route, "route");
        this.request = "GET " + route.path();
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.options = Objects.requireNonNull(options, "options");
        this.streamOptions = Objects.requireNonNull(streamOptions, "streamOptions");
        this.heartbeats = new HeartbeatClock(streamOptions.heartbeatTimeout());
        this.listeners = new EventListeners(request + " on " + endpoint.baseUri(), () -> closed);
        this.httpClient = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(options.connectTimeout())
                .build();
    }

    /**
     * Starts the reader thread. Idempotent; does nothing after {@link #close()}.
     */
    public void start() {
        synchronized (lifecycleLock) {
            if (readerThread != null || closed) {
                return;
            }
            readerThread = new Thread(this::run, "opencode-events-" + endpoint.port());
            readerThread.setDaemon(true);
            readerThread.start();
        }
    }

    /**
     * Registers a listener.
     *
     * @param sessionId the session whose events to receive, or null for every event (and malformed-frame reports)
     * @param listener  the listener
     * @return the subscription; close it to unsubscribe
     */
    public Subscription subscribe(String sessionId, EventListener listener) {
        return listeners.subscribe(sessionId, listener);
    }

    /** @return true while a {@code GET /event} connection is open */
    public boolean isConnected() {
        return connected;
    }

    /** @return when the last frame (heartbeats included) arrived, or null before the first */
    public Instant lastEventAt() {
        return lastEventAt;
    }

    /** @return how many times the stream connected again after its first successful connection */
    public long reconnectCount() {
        return reconnects.get();
    }

    /** @return the server this stream reads */
    public ServerEndpoint endpoint() {
        return endpoint;
    }

    /**
     * Stops the reader thread and closes the connection; no callbacks start after this returns
     * (when called from a listener, the current callback finishes). Idempotent.
     */
    @Override
    public void close() {
        Thread thread;
        synchronized (lifecycleLock) {
            if (closed) {
                return;
            }
            closed = true;
            thread = readerThread;
        }
        closedSignal.countDown();
        closeQuietly(currentBody);
        if (thread != null && thread != Thread.currentThread()) {
            thread.interrupt();
            try {
                thread.join(Duration.ofSeconds(5).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        connected = false;
    }

    @Override
    public String toString() {
        return "EventStream[" + endpoint + ", connected=" + connected + "]";
    }

    private void run() {
        long backoffMillis = streamOptions.initialBackoff().toMillis();
        boolean everConnected = false;
        while (!closed) {
            boolean connectedThisRound = false;
            Throwable cause;
            ScheduledFuture<?> watchdog = null;
            try {
                HttpResponse<InputStream> response = httpClient.send(newRequest(), HttpResponse.BodyHandlers.ofInputStream());
                currentBody = response.body();
                markFrame();
                heartbeats.connected(lastFrameNanos);
                watchdogTripped = false;
                watchdog = startWatchdog();
                if (closed) {
                    break;
                }
                if (response.statusCode() != 200) {
                    cause = rejected(response);
                } else {
                    connectedThisRound = true;
                    connected = true;
                    backoffMillis = streamOptions.initialBackoff().toMillis();
                    if (everConnected) {
                        reconnects.incrementAndGet();
                    }
                    LOG.info("{} on {}: connected{}", request, endpoint.baseUri(), everConnected ? " again" : "");
                    listeners.connected(everConnected);
                    everConnected = true;
                    cause = readFrames(response.body());
                }
            } catch (IOException e) {
                cause = watchdogTripped ? heartbeatTimeout() : e;
            } catch (InterruptedException e) {
                cause = e;
                if (!closed) {
                    Thread.currentThread().interrupt();
                    LOG.warn("{} on {}: reader thread interrupted, stopping", request, endpoint.baseUri());
                    break;
                }
            } finally {
                if (watchdog != null) {
                    watchdog.cancel(false);
                }
                closeQuietly(currentBody);
                currentBody = null;
                connected = false;
            }
            if (closed) {
                break;
            }
            if (connectedThisRound) {
                LOG.warn("{} on {}: connection lost ({}); reconnecting", request, endpoint.baseUri(), describe(cause));
                listeners.disconnected(cause);
                backoffMillis = streamOptions.initialBackoff().toMillis();
            } else {
                LOG.warn("{} on {}: {}; retrying in {} ms", request, endpoint.baseUri(), describe(cause), backoffMillis);
            }
            if (awaitClose(backoffMillis)) {
                break;
            }
            if (!connectedThisRound) {
                backoffMillis = Math.min(backoffMillis * 2, streamOptions.maxBackoff().toMillis());
            }
        }
        connected = false;
    }

    /**
     * The server answers {@code /event} at once with its headers and {@code server.connected}; a
     * server still starting up can accept the connection and stay silent, so give up on an attempt
     * after a few seconds and retry rather than wait the full request timeout.
     */
    private Duration headersTimeout() {
        Duration requestTimeout = options.requestTimeout();
        return requestTimeout.compareTo(MAX_HEADERS_WAIT) < 0 ? requestTimeout : MAX_HEADERS_WAIT;
    }

    private HttpRequest newRequest() {
        HttpRequest.Builder builder = HttpRequest.newBuilder(endpoint.resolve(route.path()))
                .timeout(headersTimeout())
                .header("Accept", "text/event-stream")
                .GET();
        endpoint.authorizationHeader().ifPresent(header -> builder.header("Authorization", header));
        return builder.build();
    }

    /** Reads frames until the stream ends; returns why it ended. */
    private Throwable readFrames(InputStream body) throws IOException {
        try (SseFrameReader reader = new SseFrameReader(body)) {
            String frame;
            while ((frame = reader.nextFrame()) != null) {
                markFrame();
                if (closed) {
                    return null;
                }
                dispatch(frame);
            }
        }
        return watchdogTripped ? heartbeatTimeout() : new EOFException("server closed the event stream");
    }

    private void dispatch(String frame) {
        OpenCodeEvent event;
        String directory = null;
        try {
            if (route == EventRoute.GLOBAL_EVENT) {
                Optional<GlobalEvent> global = parser.parseGlobal(frame);
                if (global.isEmpty()) {
                    return; // the sync copy of a durable event
                }
                event = global.get().event();
                directory = global.get().directory();
            } else {
                event = parser.parse(frame);
            }
        } catch (OpenCodeProtocolException e) {
            LOG.warn("{} on {}: skipping malformed frame: {}", request, endpoint.baseUri(), e.getMessage());
            listeners.malformed(frame, e);
            return;
        }
        if (event instanceof ServerHeartbeat) {
            heartbeats.heartbeat(lastFrameNanos);
        }
        listeners.deliver(event, directory);
    }

    private Throwable rejected(HttpResponse<InputStream> response) {
        String body;
        try (InputStream input = response.body()) {
            body = new String(input.readNBytes(ERROR_BODY_LIMIT), StandardCharsets.UTF_8);
        } catch (IOException e) {
            body = null;
        }
        OpenCodeApiException error = ApiErrors.toException(request, response.statusCode(), body);
        if (error instanceof OpenCodeAuthenticationException) {
            LOG.error("{} on {}: authentication failed (HTTP {}); check the server username/password. Will keep retrying",
                    request, endpoint.baseUri(), response.statusCode());
        }
        return error;
    }

    private ScheduledFuture<?> startWatchdog() {
        long periodNanos = Math.max(streamOptions.heartbeatTimeout().toNanos() / 5, TimeUnit.MILLISECONDS.toNanos(20));
        return WATCHDOG.scheduleWithFixedDelay(() -> {
            if (System.nanoTime() - lastFrameNanos > heartbeats.allowedSilenceNanos() && !watchdogTripped) {
                watchdogTripped = true;
                LOG.warn("{} on {}: no frame for {}; dropping the connection", request, endpoint.baseUri(),
                        heartbeats.allowedSilence());
                closeQuietly(currentBody);
            }
        }, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
    }

    private void markFrame() {
        lastFrameNanos = System.nanoTime();
        lastEventAt = Instant.now();
    }

    private TimeoutException heartbeatTimeout() {
        return new TimeoutException("no event-stream frame for " + heartbeats.allowedSilence());
    }

    /** @return true when the stream was closed while waiting */
    private boolean awaitClose(long millis) {
        try {
            return closedSignal.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            return true;
        }
    }

    private static String describe(Throwable cause) {
        if (cause == null) {
            return "unknown cause";
        }
        return cause.getMessage() != null ? cause.getClass().getSimpleName() + ": " + cause.getMessage()
                : cause.getClass().getSimpleName();
    }

    private static void closeQuietly(InputStream input) {
        if (input == null) {
            return;
        }
        try {
            input.close();
        } catch (IOException ignored) {
            // Closing a broken stream: nothing left to do.
        }
    }
}
