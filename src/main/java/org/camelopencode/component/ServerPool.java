package org.camelopencode.component;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import org.camelopencode.client.OpenCodeClient;
import org.camelopencode.client.OpenCodeClientException;
import org.camelopencode.client.Session;
import org.camelopencode.dispatch.AttemptListener;
import org.camelopencode.dispatch.DispatchRequest;
import org.camelopencode.dispatch.DispatchResult;
import org.camelopencode.failure.FailureKind;
import org.camelopencode.failure.OpenCodeFailureException;
import org.camelopencode.interaction.Approval;
import org.camelopencode.interaction.Approvals;
import org.camelopencode.server.FleetInstance;
import org.camelopencode.server.FleetListener;
import org.camelopencode.server.InstanceReport;
import org.camelopencode.server.OpenCodeFleet;
import org.camelopencode.server.RunningServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The component's side of an {@link OpenCodeFleet}: one {@link ServerConnection} per running instance (replaced when
 * the instance restarts with a new port and password), the choice of a server per dispatch ({@link ServerPicker}: least
 * busy healthy one under the per-server cap), a queue of dispatches waiting for a free slot (each up to its task's
 * timeout, then {@code provider_unavailable}), and which server holds which session.
 */
final class ServerPool implements FleetListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ServerPool.class);
    private static final int REMEMBERED_SESSIONS = 10_000;

    private final BiFunction<FleetInstance, RunningServer, ServerConnection> connector;
    private final int maxSessionsPerServer;
    private final Map<FleetInstance, ServerConnection> connections = new ConcurrentHashMap<>();
    private final Deque<Waiter> waiters = new ArrayDeque<>();
    private final Map<String, FleetInstance> sessionOwners = Collections.synchronizedMap(
            new LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, FleetInstance> eldest) {
                    return size() > REMEMBERED_SESSIONS;
                }
            });
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "opencode-server-pool");
        thread.setDaemon(true);
        return thread;
    });
    private volatile OpenCodeFleet fleet;
    private volatile boolean closed;

    /**
     * @param connector            makes the connection for an instance's new server
     * @param maxSessionsPerServer cap of concurrent dispatches per server, 0 = none
     */
    ServerPool(BiFunction<FleetInstance, RunningServer, ServerConnection> connector, int maxSessionsPerServer) {
        this.connector = connector;
        this.maxSessionsPerServer = maxSessionsPerServer;
    }

    /** @param fleet the fleet whose instances this pool serves (set once it started) */
    void attach(OpenCodeFleet fleet) {
        this.fleet = fleet;
    }

    /** @return the fleet, or null before {@link #attach} */
    OpenCodeFleet fleet() {
        return fleet;
    }

    /**
     * Starts one attempt on the least busy healthy server, or queues it until a slot frees or a server (re)starts.
     *
     * @param request the attempt
     * @param listener told the new session (and where it lives, which this pool remembers too)
     * @return its outcome; {@code provider_unavailable} when no slot freed within the request's timeout or when its
     *     server was lost mid-attempt
     */
    CompletableFuture<DispatchResult> dispatch(DispatchRequest request, AttemptListener listener) {
        CompletableFuture<DispatchResult> outcome = new CompletableFuture<>();
        synchronized (this) {
            if (closed) {
                outcome.completeExceptionally(new OpenCodeFailureException(FailureKind.PROVIDER_UNAVAILABLE,
                        "the OpenCode component is stopping"));
                return outcome;
            }
            Waiter waiter = new Waiter(request, listener, outcome);
            if (!tryStart(waiter)) {
                waiters.add(waiter);
                waiter.timeout = timer.schedule(() -> giveUp(waiter), request.timeout().toMillis(), TimeUnit.MILLISECONDS);
                LOG.info("No OpenCode server has a free slot for '{}' ({}); it waits up to {}", request.sessionTitle(), load(),
                        request.timeout());
            }
        }
        return outcome;
    }

    /** Picks and starts under the pool's lock, so two dispatches cannot both take a server's last slot. */
    private boolean tryStart(Waiter waiter) {
        List<ServerPicker.Candidate<FleetInstance>> candidates = new ArrayList<>();
        for (FleetInstance instance : instances()) {
            ServerConnection connection = connections.get(instance);
            if (connection != null) {
                candidates.add(new ServerPicker.Candidate<>(instance.name(), instance.acceptsWork(), connection.inFlight(),
                        instance.sessionsServed(), instance));
            }
        }
        Optional<ServerPicker.Candidate<FleetInstance>> choice = ServerPicker.pick(candidates, maxSessionsPerServer);
        if (choice.isEmpty()) {
            return false;
        }
        FleetInstance instance = choice.get().target();
        ServerConnection connection = connections.get(instance);
        instance.sessionStarted();
        LOG.debug("'{}' goes to OpenCode {} ({})", waiter.request.sessionTitle(), instance.name(), load());
        AttemptListener remembering = AttemptListener.all(List.of(new AttemptListener() {
            @Override
            public void sessionCreated(String server, String sessionId) {
                sessionOwners.put(sessionId, instance);
            }
        }, waiter.listener));
        connection.dispatch(waiter.request, remembering).whenComplete((result, failure) -> {
            if (failure != null) {
                waiter.outcome.completeExceptionally(failure);
            } else {
                waiter.outcome.complete(result);
            }
            serveWaitersLater();
        });
        return true;
    }

    private void serveWaitersLater() {
        try {
            timer.execute(this::serveWaiters);
        } catch (RejectedExecutionException stopped) {
            // closed: the waiters were failed
        }
    }

    private synchronized void serveWaiters() {
        while (!waiters.isEmpty() && !closed) {
            Waiter waiter = waiters.poll();
            if (waiter.outcome.isDone()) {
                continue;
            }
            if (!tryStart(waiter)) {
                waiters.addFirst(waiter);
                return;
            }
            waiter.timeout.cancel(false);
        }
    }

    private synchronized void giveUp(Waiter waiter) {
        if (waiters.remove(waiter)) {
            waiter.outcome.completeExceptionally(new OpenCodeFailureException(FailureKind.PROVIDER_UNAVAILABLE,
                    "no OpenCode server had a free session slot within " + waiter.request.timeout() + " (" + load()
                            + (maxSessionsPerServer > 0 ? ", at most " + maxSessionsPerServer + " sessions per server" : "") + ")"));
        }
    }

    /**
     * @param sessionId a session
     * @return the client of the server that holds it (remembered from dispatches, else asked with
     *     {@code GET /session/{id}} on each server), or the least busy server's when none knows it
     */
    OpenCodeClient clientForSession(String sessionId) {
        FleetInstance owner = sessionOwners.get(sessionId);
        ServerConnection known = owner == null ? null : connections.get(owner);
        if (known != null) {
            return known.client();
        }
        return serverKnowing(sessionId).orElseGet(this::anyConnection).client();
    }

    /**
     * @param sessionId a session a dead runner recorded
     * @param serverName the fleet instance it was recorded on, or {@code null}
     * @return the connection of that instance when it runs, else of the server that knows the session
     *     ({@code GET /session/{id}} on each), else empty
     */
    Optional<ServerConnection> connectionForSession(String sessionId, String serverName) {
        for (FleetInstance instance : instances()) {
            ServerConnection connection = connections.get(instance);
            if (connection != null && instance.name().equals(serverName)) {
                sessionOwners.put(sessionId, instance);
                return Optional.of(connection);
            }
        }
        return serverKnowing(sessionId);
    }

    /** @return the first server, least busy first, that answers {@code GET /session/{id}} for the session, else empty */
    private Optional<ServerConnection> serverKnowing(String sessionId) {
        for (ServerConnection connection : connectionsByLoad()) {
            try {
                connection.client().session(sessionId);
                return Optional.of(connection);
            } catch (OpenCodeClientException notThere) {
                LOG.debug("Session {} is not on {}: {}", sessionId, connection.name(), notThere.getMessage());
            }
        }
        return Optional.empty();
    }

    /**
     * Creates a session on the least busy healthy server ({@code POST /session}) and remembers that it lives there, so
     * later operations on it ({@link #clientForSession}) go to the same server.
     *
     * @param title the session title, or {@code null}
     * @return the new session
     * @throws OpenCodeFailureException {@code provider_unavailable} when no server runs now
     */
    Session createSession(String title) {
        ServerConnection connection = anyConnection();
        Session session = connection.client().createSession(title);
        connections.forEach((instance, candidate) -> {
            if (candidate == connection) {
                sessionOwners.put(session.id(), instance);
            }
        });
        return session;
    }

    /**
     * Applies an approval on the server where its request is pending ({@code GET /permission} or {@code GET /question}
     * on each server until one lists it).
     *
     * @param approval the approval
     * @return the session of the approved request
     * @throws Approvals.ApprovalNotPendingException when no server lists the request
     */
    String approve(Approval approval) {
        for (ServerConnection connection : connectionsByLoad()) {
            try {
                return Approvals.apply(connection.client(), approval);
            } catch (Approvals.ApprovalNotPendingException notHere) {
                LOG.debug("Request {} is not pending on {}", approval.requestId(), connection.name());
            }
        }
        throw new Approvals.ApprovalNotPendingException(approval.requestId());
    }

    /**
     * @return the least busy healthy server's connection, else any running one
     * @throws OpenCodeFailureException {@code provider_unavailable} when no server runs now
     */
    ServerConnection anyConnection() {
        List<ServerConnection> byLoad = connectionsByLoad();
        if (byLoad.isEmpty()) {
            throw new OpenCodeFailureException(FailureKind.PROVIDER_UNAVAILABLE, "no OpenCode server of the fleet runs now ("
                    + load() + ")");
        }
        return byLoad.get(0);
    }

    /** @return the first instance's connection when it runs (the events consumer reads its stream), else any */
    ServerConnection primaryConnection() {
        return instances().stream().map(connections::get).filter(java.util.Objects::nonNull).findFirst()
                .orElseGet(this::anyConnection);
    }

    /** @return the connections, healthy before unhealthy, least busy first */
    private List<ServerConnection> connectionsByLoad() {
        return instances().stream().filter(connections::containsKey)
                .sorted(Comparator.comparing((FleetInstance instance) -> !instance.acceptsWork())
                        .thenComparingInt(instance -> connections.get(instance).inFlight()))
                .map(connections::get).filter(java.util.Objects::nonNull).toList();
    }

    /** @return one report per instance (no secrets) */
    List<InstanceReport> reports() {
        OpenCodeFleet current = fleet;
        return current == null ? List.of() : current.reports();
    }

    /** @return the connections of the running servers (for progress lines) */
    List<ServerConnection> connections() {
        return List.copyOf(connections.values());
    }

    private List<FleetInstance> instances() {
        OpenCodeFleet current = fleet;
        return current != null ? current.instances() : List.copyOf(connections.keySet());
    }

    private String load() {
        return instances().stream().map(instance -> instance.name() + " " + instance.state() + " busy "
                + Optional.ofNullable(connections.get(instance)).map(ServerConnection::inFlight).orElse(0))
                .collect(Collectors.joining(", "));
    }

    // FleetListener: called on the fleet's supervisor thread.

    @Override
    public void started(FleetInstance instance, RunningServer server) {
        ServerConnection previous = connections.put(instance, connector.apply(instance, server));
        if (previous != null) {
            previous.lost(instance.name() + " was replaced by a new server");
        }
        serveWaitersLater();
    }

    @Override
    public void lost(FleetInstance instance, RunningServer server, String reason) {
        ServerConnection connection = connections.remove(instance);
        if (connection != null) {
            connection.lost(reason);
        }
    }

    @Override
    public int busySessions(FleetInstance instance) {
        ServerConnection connection = connections.get(instance);
        return connection == null ? 0 : connection.inFlight();
    }

    @Override
    public Optional<Instant> lastEventAt(FleetInstance instance) {
        ServerConnection connection = connections.get(instance);
        return connection == null ? Optional.empty() : Optional.ofNullable(connection.client().eventStream().lastEventAt());
    }

    /** Fails the waiting dispatches, stops the fleet, closes every connection (their attempts fail). */
    @Override
    public void close() {
        List<Waiter> waiting;
        synchronized (this) {
            closed = true;
            waiting = new ArrayList<>(waiters);
            waiters.clear();
        }
        waiting.forEach(waiter -> waiter.outcome.completeExceptionally(new OpenCodeFailureException(
                FailureKind.PROVIDER_UNAVAILABLE, "the OpenCode component stopped while the task waited for a server")));
        timer.shutdownNow();
        List<ServerConnection> open = List.copyOf(connections.values());
        connections.clear();
        open.forEach(ServerConnection::close);
        OpenCodeFleet current = fleet;
        if (current != null) {
            current.close();
        }
    }

    private static final class Waiter {
        private final DispatchRequest request;
        private final AttemptListener listener;
        private final CompletableFuture<DispatchResult> outcome;
        private ScheduledFuture<?> timeout;

        private Waiter(DispatchRequest request, AttemptListener listener, CompletableFuture<DispatchResult> outcome) {
            this.request = request;
            this.listener = listener;
            this.outcome = outcome;
        }
    }
}
