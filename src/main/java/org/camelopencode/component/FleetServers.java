package org.camelopencode.component;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.camelopencode.client.IncompatibleServerException;
import org.camelopencode.client.OpenCodeClient;
import org.camelopencode.client.ServerEndpoint;
import org.camelopencode.client.Session;
import org.camelopencode.dispatch.AttemptListener;
import org.camelopencode.dispatch.DispatchProgress;
import org.camelopencode.dispatch.DispatchRequest;
import org.camelopencode.dispatch.DispatchResult;
import org.camelopencode.failure.FailureKind;
import org.camelopencode.failure.OpenCodeFailureException;
import org.camelopencode.interaction.Approval;
import org.camelopencode.server.ExternalServer;
import org.camelopencode.server.FleetInstance;
import org.camelopencode.server.FleetOptions;
import org.camelopencode.server.InstanceReport;
import org.camelopencode.server.ManagedOpenCodeServer;
import org.camelopencode.server.OpenCodeFleet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet as the endpoints see it: {@code managedInstances} supervised managed servers plus the external
 * {@code serverUrls} ({@link ManagedFleetConfiguration}), started on first use (the managed servers in parallel) and
 * stopped by {@link #close()} (a later use starts them again). Each dispatch goes to the least busy healthy server
 * ({@link ServerPool}).
 */
final class FleetServers implements OpenCodeServers {

    private static final Logger LOG = LoggerFactory.getLogger(FleetServers.class);

    private final ManagedFleetConfiguration fleet;
    private final OpenCodeConfiguration connections;
    private final Consumer<Duration> gateLatency;
    private ServerPool pool;

    /**
     * @param fleet the fleet options
     * @param connections the options of every connection to a fleet server: user name and password (the external
     *     servers'), request, poll and server-lost timeouts
     * @param gateLatency told each completed attempt's gate latency
     */
    FleetServers(ManagedFleetConfiguration fleet, OpenCodeConfiguration connections, Consumer<Duration> gateLatency) {
        this.fleet = fleet;
        this.connections = connections;
        this.gateLatency = gateLatency;
    }

    /**
     * @return the pool, starting the fleet on first call
     * @throws org.camelopencode.server.ManagedServerException when managed servers were asked for and none could start
     *     (the message names the log file)
     */
    private synchronized ServerPool pool() {
        if (pool == null) {
            FleetOptions options = fleet.fleetOptions(connections.getUsername());
            List<ExternalServer> externals = fleet.externalServers(connections.getUsername(), connections.getPassword());
            // A refused server (ServerCompatibility) fails the start here: on the fleet's supervisor thread it would only be lost.
            AtomicReference<IncompatibleServerException> refused = new AtomicReference<>();
            ServerPool started = new ServerPool((instance, server) -> {
                try {
                    return ServerConnection.open(instance.name(),
                            ServerEndpoint.of(server.baseUri().toString(), server.username(), server.password()), connections, gateLatency);
                } catch (IncompatibleServerException incompatible) {
                    refused.compareAndSet(null, incompatible);
                    throw incompatible;
                }
            }, fleet.getMaxSessionsPerServer());
            started.attach(OpenCodeFleet.start(options, externals, started));
            if (refused.get() != null) {
                started.close();
                throw refused.get();
            }
            pool = started;
            LOG.info("OpenCode fleet: {} managed and {} external server(s), state in {}, {}", options.instances(), externals.size(),
                    options.stateDirectory(), fleet.getMaxSessionsPerServer() > 0
                            ? "at most " + fleet.getMaxSessionsPerServer() + " sessions per server" : "no cap on sessions per server");
        }
        return pool;
    }

    /** @return the pool when the fleet runs, else {@code null} (nothing is started) */
    private synchronized ServerPool running() {
        return pool;
    }

    @Override
    public CompletableFuture<DispatchResult> dispatch(DispatchRequest request, AttemptListener listener) {
        return pool().dispatch(request, listener);
    }

    /** Goes to the recorded instance when it runs, else to the server that knows the session. */
    @Override
    public CompletableFuture<DispatchResult> attach(DispatchRequest request, String serverName, String sessionId) {
        return pool().connectionForSession(sessionId, serverName)
                .map(connection -> connection.attach(request, sessionId))
                .orElseGet(() -> CompletableFuture.failedFuture(new OpenCodeFailureException(FailureKind.PROVIDER_UNAVAILABLE,
                        "lost: no OpenCode server of the fleet knows session " + sessionId + " any more", sessionId, null, null)));
    }

    @Override
    public OpenCodeClient clientFor(String sessionId) {
        ServerPool current = pool();
        return sessionId == null || sessionId.isBlank() ? current.anyConnection().client() : current.clientForSession(sessionId);
    }

    @Override
    public Session createSession(String title) {
        return pool().createSession(title);
    }

    @Override
    public String approve(Approval approval) {
        return pool().approve(approval);
    }

    @Override
    public ServerConnection primaryConnection() {
        return pool().primaryConnection();
    }

    /**
     * @return the {@code managedProjectDirectory} option, else the first managed instance's own project folder
     *     (starting the fleet when it is not running yet)
     * @throws IllegalStateException when no managed server runs
     */
    @Override
    public Optional<Path> projectDirectory() {
        Path configured = fleet.projectDirectory();
        if (configured != null) {
            return Optional.of(configured);
        }
        return Optional.of(pool().fleet().instances().stream().filter(FleetInstance::isManaged)
                .map(FleetInstance::server).flatMap(Optional::stream)
                .filter(ManagedOpenCodeServer.class::isInstance).map(server -> ((ManagedOpenCodeServer) server).projectDirectory())
                .findFirst().orElseThrow(() -> new IllegalStateException("no managed OpenCode server is running")));
    }

    @Override
    public List<InstanceReport> reports() {
        ServerPool current = running();
        return current == null ? List.of() : current.reports();
    }

    /** @return every instance with its supervisor state and current connection (none while it restarts) */
    @Override
    public List<ServerInUse> inUse() {
        ServerPool current = running();
        if (current == null) {
            return List.of();
        }
        Map<String, ServerConnection> byName = new HashMap<>();
        current.connections().forEach(connection -> byName.put(connection.name(), connection));
        List<ServerInUse> servers = new ArrayList<>();
        current.reports().forEach(report -> servers.add(new ServerInUse(report.name(), report.url(), report.state(),
                report.restarts(), report.lastProblem(), byName.get(report.name()))));
        return servers;
    }

    @Override
    public List<DispatchProgress> progress() {
        ServerPool current = running();
        List<DispatchProgress> progress = new ArrayList<>();
        if (current != null) {
            current.connections().forEach(connection -> progress.addAll(connection.dispatcher().progress()));
        }
        return progress;
    }

    /** Stops the fleet: waiting dispatches and running attempts fail, managed servers stop. */
    @Override
    public synchronized void close() {
        if (pool != null) {
            pool.close();
            pool = null;
        }
    }
}
