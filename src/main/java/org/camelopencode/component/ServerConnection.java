package org.camelopencode.component;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.camelopencode.client.ClientOptions;
import org.camelopencode.client.CompatibilityVerdict;
import org.camelopencode.client.IncompatibleServerException;
import org.camelopencode.client.OpenCodeClient;
import org.camelopencode.client.ServerCompatibility;
import org.camelopencode.client.ServerEndpoint;
import org.camelopencode.dispatch.AttemptListener;
import org.camelopencode.dispatch.DispatchOptions;
import org.camelopencode.dispatch.DispatchRequest;
import org.camelopencode.dispatch.DispatchResult;
import org.camelopencode.dispatch.Dispatcher;
import org.camelopencode.failure.FailureKind;
import org.camelopencode.failure.OpenCodeFailureException;
import org.camelopencode.task.Durations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client and dispatcher the component shares between all endpoints that talk to one server (one server process:
 * a fleet instance gets a new connection each time it is restarted): one event-stream connection per server, not per
 * endpoint or dispatch.
 *
 * <p>It also tracks the attempts it runs, so that when its server is lost ({@link #lost(String)}) they fail at once as
 * {@code provider_unavailable} instead of waiting for the server-lost timeout.
 */
final class ServerConnection implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ServerConnection.class);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final String name;
    private final OpenCodeClient client;
    private final Dispatcher dispatcher;
    private final Set<CompletableFuture<DispatchResult>> attempts = ConcurrentHashMap.newKeySet();
    private volatile String lostReason;

    /**
     * @param name       the server's name in messages ({@code instance-2}, or its URL)
     * @param client     the HTTP client (owns the event stream)
     * @param dispatcher the dispatcher on that client
     */
    ServerConnection(String name, OpenCodeClient client, Dispatcher dispatcher) {
        this.name = name;
        this.client = client;
        this.dispatcher = dispatcher;
    }

    /** @return the server's name in messages */
    String name() {
        return name;
    }

    /** @return the HTTP client */
    OpenCodeClient client() {
        return client;
    }

    /** @return the dispatcher */
    Dispatcher dispatcher() {
        return dispatcher;
    }

    /** @return attempts started here and not decided yet */
    int inFlight() {
        return attempts.size();
    }

    /**
     * Opens the connection to one server: its client (whose shared {@code GET /global/event} stream starts here) and a
     * dispatcher on it, with the endpoint's {@code requestTimeout}, {@code pollInterval} and {@code serverLostTimeout}.
     *
     * @param name the server's name in messages and in {@link AttemptListener#sessionCreated} ({@code instance-2}, or its URL)
     * @param server where it is and its credentials
     * @param configuration the endpoint's options
     * @param gateLatency told each completed attempt's gate latency (for the metrics)
     * @return the open connection, after one start-up line on the server's version ({@link ServerCompatibility#check})
     * @throws IllegalArgumentException when one of those durations is not positive, or {@code minServerVersion} is no version
     * @throws IncompatibleServerException when the server is below {@code minServerVersion} or speaks another API
     */
    static ServerConnection open(String name, ServerEndpoint server, OpenCodeConfiguration configuration,
            Consumer<Duration> gateLatency) {
        ClientOptions clientOptions = new ClientOptions(CONNECT_TIMEOUT,
                Durations.requirePositive(configuration.getRequestTimeout(), "requestTimeout"));
        DispatchOptions dispatchOptions = DispatchOptions.defaults()
                .withPollInterval(Durations.requirePositive(configuration.getPollInterval(), "pollInterval"))
                .withServerLostTimeout(Durations.requirePositive(configuration.getServerLostTimeout(), "serverLostTimeout"));
        OpenCodeClient client = new OpenCodeClient(server, clientOptions);
        CompatibilityVerdict verdict = ServerCompatibility.check(client, configuration.getMinServerVersion());
        if (verdict.deservesWarning()) {
            LOG.warn("{}", verdict.logMessage());
        } else {
            LOG.info("{}", verdict.logMessage());
        }
        Dispatcher dispatcher = new Dispatcher(name, client, dispatchOptions);
        dispatcher.setGateLatencyListener(gateLatency);
        return new ServerConnection(name, client, dispatcher);
    }

    /**
     * Starts one attempt on this server.
     *
     * @param request the attempt
     * @param listener told the new session by the dispatcher
     * @return completes like {@link Dispatcher#dispatch(DispatchRequest, AttemptListener)}, or exceptionally with a
     *     {@code provider_unavailable} {@link OpenCodeFailureException} as soon as the server is lost
     */
    CompletableFuture<DispatchResult> dispatch(DispatchRequest request, AttemptListener listener) {
        return track(() -> dispatcher.dispatch(request, listener));
    }

    /**
     * Re-attaches to a session of this server, as {@link Dispatcher#attach(DispatchRequest, String)}.
     *
     * @param request the attempt as it was dispatched
     * @param sessionId its session on this server
     * @return completes like {@link #dispatch(DispatchRequest, AttemptListener)}
     */
    CompletableFuture<DispatchResult> attach(DispatchRequest request, String sessionId) {
        return track(() -> dispatcher.attach(request, sessionId));
    }

    private CompletableFuture<DispatchResult> track(java.util.function.Supplier<CompletableFuture<DispatchResult>> start) {
        CompletableFuture<DispatchResult> outcome = new CompletableFuture<>();
        String lost = lostReason;
        if (lost != null) {
            outcome.completeExceptionally(serverLost(lost));
            return outcome;
        }
        attempts.add(outcome);
        outcome.whenComplete((result, failure) -> attempts.remove(outcome));
        start.get().whenComplete((result, failure) -> {
            if (failure != null) {
                outcome.completeExceptionally(failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure);
            } else {
                outcome.complete(result);
            }
        });
        return outcome;
    }

    /**
     * The server is gone (its process died, or it is being replaced): fails every attempt still running here as
     * {@code provider_unavailable} with a message saying so, then closes the dispatcher and client on another thread
     * (closing aborts their sessions, which a dead server refuses at once).
     *
     * @param reason why, without secrets
     */
    void lost(String reason) {
        lostReason = reason;
        for (CompletableFuture<DispatchResult> attempt : attempts) {
            attempt.completeExceptionally(serverLost(reason));
        }
        Thread closer = new Thread(this::close, "opencode-close-" + name);
        closer.setDaemon(true);
        closer.start();
    }

    private OpenCodeFailureException serverLost(String reason) {
        return new OpenCodeFailureException(FailureKind.PROVIDER_UNAVAILABLE, "the OpenCode server " + name
                + " was lost while the attempt ran (" + reason + "); a retry runs on another server", null, null, null);
    }

    @Override
    public void close() {
        try {
            dispatcher.close();
        } catch (RuntimeException failure) {
            LOG.debug("Closing the dispatcher of {} failed: {}", name, failure.toString());
        }
        client.close();
    }

    @Override
    public String toString() {
        return "ServerConnection[" + name + ", " + client.endpoint().baseUri() + ", inFlight=" + attempts.size() + "]";
    }
}
