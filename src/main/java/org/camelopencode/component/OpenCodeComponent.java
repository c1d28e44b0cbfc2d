package org.camelopencode.component;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.Metadata;
import org.apache.camel.support.DefaultComponent;
import org.camelopencode.client.ClientOptions;
import org.camelopencode.client.OpenCodeClient;
import org.camelopencode.client.ServerEndpoint;
import org.camelopencode.dispatch.DispatchOptions;
import org.camelopencode.dispatch.DispatchRequest;
import org.camelopencode.dispatch.DispatchResult;
import org.camelopencode.dispatch.Dispatcher;
import org.camelopencode.dispatch.Durations;
import org.camelopencode.failure.FailureKind;
import org.camelopencode.failure.OpenCodeFailureException;
import org.camelopencode.ledger.DispatchLedger;
import org.camelopencode.interaction.Approval;
import org.camelopencode.interaction.Approvals;
import org.camelopencode.server.ExternalServer;
import org.camelopencode.server.FleetInstance;
import org.camelopencode.server.FleetOptions;
import org.camelopencode.server.ManagedOpenCodeServer;
import org.camelopencode.server.InstanceReport;
import org.camelopencode.server.InstanceState;
import org.camelopencode.server.OpenCodeBinary;
import org.camelopencode.server.OpenCodeFleet;
import org.camelopencode.server.RecyclePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code opencode:} component: hands work to OpenCode agents through an {@code opencode serve}
 * server. Endpoints are {@code opencode:operation?options} (see {@link OpenCodeOperation}).
 *
 * <p>When no {@code serverUrl} is configured the component runs a fleet ({@link OpenCodeFleet}):
 * {@code managedInstances} managed servers (the pinned binary, a free port, a generated password and a
 * private state folder {@code <managedStateDirectory>/instance-<i>} each), supervised (restarted with
 * backoff when they crash or stop answering, recycled after {@code managedRecycleAfterSessions}
 * sessions or above {@code managedRecycleAboveMemory}), plus the external servers of
 * {@code serverUrls}; all are stopped with the component. Each dispatch goes to the least busy
 * healthy server (at most {@code maxSessionsPerServer} at once per server); an attempt whose server
 * dies fails at once as {@code provider_unavailable}, so a retry runs on another server. A single
 * {@code serverUrl} is used directly, unsupervised. All endpoints that talk to the same server share
 * one client, one event-stream connection and one dispatcher.
 */
@org.apache.camel.spi.annotations.Component("opencode")
public class OpenCodeComponent extends DefaultComponent {

    private static final Logger LOG = LoggerFactory.getLogger(OpenCodeComponent.class);

    @Metadata(description = "Default options for every endpoint of this component.")
    private OpenCodeConfiguration configuration = new OpenCodeConfiguration();
    @Metadata(label = "managed", description = "Path of the opencode binary for the managed server; unset = the pinned install in opencode/node_modules, then PATH.")
    private String binary;
    @Metadata(label = "managed", description = "OpenCode config (JSON, as OPENCODE_CONFIG_CONTENT) for the managed server: providers, model, permissions.")
    private String managedConfig;
    @Metadata(label = "managed", description = "Folder for the managed server's private HOME, XDG folders and log; unset = a new temporary folder.")
    private String managedStateDirectory;
    @Metadata(label = "managed", description = "Working directory of the managed server: the project the agents work in; unset = a folder inside the state folder.")
    private String managedProjectDirectory;
    @Metadata(label = "managed", defaultValue = "PT60S", description = "How long the managed server may take to become healthy.")
    private String managedStartTimeout = "PT60S";
    @Metadata(label = "managed", defaultValue = "1", description = "How many managed OpenCode servers to run when no serverUrl is set (0 = only the serverUrls).")
    private int managedInstances = 1;
    @Metadata(label = "managed", description = "External OpenCode servers to use besides the managed ones when no serverUrl is set: comma-separated base URLs"
            + " sharing the username and password options; watched, never restarted.")
    private String serverUrls;
    @Metadata(label = "managed", defaultValue = "0", description = "Most dispatches at once per server of the fleet; when all are full a dispatch waits"
            + " for a slot up to its timeout, then fails as provider_unavailable. 0 = no cap.")
    private int maxSessionsPerServer;
    @Metadata(label = "managed", defaultValue = "0", description = "Recycle (drain, then restart) a managed server after this many sessions; 0 = never.")
    private long managedRecycleAfterSessions;
    @Metadata(label = "managed", defaultValue = "0", description = "Recycle a managed server when its process tree's resident memory exceeds this"
            + " size: bytes, or a number with k, m or g (binary units), e.g. 2g; 0 = never.")
    private String managedRecycleAboveMemory = "0";
    @Metadata(label = "managed", defaultValue = "PT5M", description = "How long a recycled server may finish its running sessions before it is stopped anyway.")
    private String managedDrainTimeout = "PT5M";
    @Metadata(label = "managed", defaultValue = "PT5S", description = "How often the supervisor checks each server (process, GET /global/health, event heartbeat).")
    private String managedHealthInterval = "PT5S";
    @Metadata(label = "managed", defaultValue = "10m", description = "Cap of each managed server's opencode-server.log (then renamed to .log.1):"
            + " bytes or a number with k, m or g; 0 = no cap.")
    private String managedLogSizeLimit = "10m";
    @Metadata(label = "advanced", description = "How often to log one progress line per dispatch in flight (state, elapsed time, tool calls,"
            + " tokens, cost, from the session's events): ISO-8601 duration or whole seconds; unset or 0 = never.")
    private String progressInterval;

    private final Map<String, ServerConnection> connections = new ConcurrentHashMap<>();
    private final List<AutoCloseable> closeWithComponent = new ArrayList<>();
    private volatile ServerPool serverPool;
    private volatile DispatchLedger ledger;
    /** Attempts whose new session the ledger wants to know, by identity of their request. */
    private final Map<DispatchRequest, java.util.function.BiConsumer<String, String>> sessionWatchers =
            java.util.Collections.synchronizedMap(new java.util.IdentityHashMap<>());
    private ScheduledExecutorService progressLogger;
    private volatile org.camelopencode.observe.DispatchTracing tracing;
    private volatile org.camelopencode.observe.DispatchMetrics metrics;

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        OpenCodeConfiguration endpointConfiguration = configuration.copy();
        OpenCodeEndpoint endpoint = new OpenCodeEndpoint(uri, this, endpointConfiguration);
        if (remaining == null || remaining.isBlank()) {
            throw new IllegalArgumentException("opencode: needs an operation, for example opencode:dispatch; one of "
                    + java.util.Arrays.toString(OpenCodeOperation.values()));
        }
        endpoint.setOperation(getCamelContext().getTypeConverter().mandatoryConvertTo(OpenCodeOperation.class, remaining));
        setProperties(endpoint, parameters);
        return endpoint;
    }

    /**
     * The shared connection for an endpoint's server. With a fleet (no {@code serverUrl}) it is the
     * first running instance's, and the fleet starts on first use.
     *
     * @param endpointConfiguration the endpoint's options
     * @return the shared client and dispatcher
     * @throws org.camelopencode.server.ManagedServerException when no managed server can start
     */
    ServerConnection connectionFor(OpenCodeConfiguration endpointConfiguration) {
        if (usesFleet(endpointConfiguration)) {
            return serverPool(endpointConfiguration).primaryConnection();
        }
        ServerEndpoint server = ServerEndpoint.of(endpointConfiguration.getServerUrl(), endpointConfiguration.getUsername(),
                endpointConfiguration.getPassword());
        String key = server.baseUri() + "|" + server.username() + "|" + (server.hasPassword() ? server.password().hashCode() : 0);
        return connections.computeIfAbsent(key, ignored -> connect(server.baseUri().toString(), server, endpointConfiguration));
    }

    /**
     * Starts one dispatch attempt: on the endpoint's {@code serverUrl}, or on the least busy healthy
     * server of the fleet (waiting for a free slot up to the request's timeout).
     *
     * @param endpointConfiguration the endpoint's options
     * @param request the attempt
     * @return its outcome, as {@link Dispatcher#dispatch(DispatchRequest)}; {@code provider_unavailable}
     *     at once when its server is lost mid-attempt
     */
    CompletableFuture<DispatchResult> dispatch(OpenCodeConfiguration endpointConfiguration, DispatchRequest request) {
        return usesFleet(endpointConfiguration) ? serverPool(endpointConfiguration).dispatch(request)
                : connectionFor(endpointConfiguration).dispatch(request);
    }

    /**
     * Re-attaches to a session a dead runner recorded in the ledger ({@link Dispatcher#attach(DispatchRequest, String)}):
     * on the recorded fleet instance when it runs, else on the server that knows the session.
     *
     * @param endpointConfiguration the endpoint's options
     * @param request the attempt as it was dispatched
     * @param serverName the recorded server (fleet instance name or URL), or {@code null}
     * @param sessionId the recorded session
     * @return its outcome; {@code provider_unavailable} ("lost") when no server knows the session
     */
    CompletableFuture<DispatchResult> attach(OpenCodeConfiguration endpointConfiguration, DispatchRequest request,
            String serverName, String sessionId) {
        if (!usesFleet(endpointConfiguration)) {
            return connectionFor(endpointConfiguration).attach(request, sessionId);
        }
        return serverPool(endpointConfiguration).connectionForSession(sessionId, serverName)
                .map(connection -> connection.attach(request, sessionId))
                .orElseGet(() -> CompletableFuture.failedFuture(new OpenCodeFailureException(FailureKind.PROVIDER_UNAVAILABLE,
                        "lost: no OpenCode server of the fleet knows session " + sessionId + " any more", sessionId, null, null)));
    }

    /**
     * Tells {@code watcher} the server and session of {@code request} once the session exists (before its prompt), so
     * the ledger records it before any paid work starts. Matched by identity: pass the same request instance to
     * {@link #dispatch}. Call {@link #unwatchSession} when the attempt ended.
     *
     * @param request the attempt about to be dispatched
     * @param watcher receives (server name, session id)
     */
    void watchSession(DispatchRequest request, java.util.function.BiConsumer<String, String> watcher) {
        sessionWatchers.put(request, watcher);
    }

    /** @param request an attempt passed to {@link #watchSession} */
    void unwatchSession(DispatchRequest request) {
        sessionWatchers.remove(request);
    }

    /** @return the spans of dispatches, or {@code null} when tracing is off */
    public org.camelopencode.observe.DispatchTracing getTracing() {
        return tracing;
    }

    /** @param tracing the spans of dispatches ({@code opencode.dispatch} and {@code opencode.attempt}), or {@code null} for none */
    public void setTracing(org.camelopencode.observe.DispatchTracing tracing) {
        this.tracing = tracing;
    }

    /**
     * The dispatch meters: those set with {@link #setMetrics}, else made on first use in the context's only Micrometer
     * {@code MeterRegistry} (camel-micrometer-prometheus's when {@code camel.metrics.enabled}).
     *
     * @return the meters, or {@code null} when there is no registry (nothing is measured)
     */
    public org.camelopencode.observe.DispatchMetrics dispatchMetrics() {
        if (metrics == null) {
            synchronized (this) {
                if (metrics == null && getCamelContext() != null) {
                    var registry = getCamelContext().getRegistry().findSingleByType(io.micrometer.core.instrument.MeterRegistry.class);
                    if (registry != null) {
                        metrics = new org.camelopencode.observe.DispatchMetrics(registry);
                    }
                }
            }
        }
        return metrics;
    }

    /** @param metrics the dispatch meters to use, or {@code null} to look for a registry on first use */
    public void setMetrics(org.camelopencode.observe.DispatchMetrics metrics) {
        this.metrics = metrics;
    }

    /**
     * Registers the readiness checks of this component's OpenCode servers (one {@code opencode-server:<name>} and one
     * {@code opencode-event-stream:<name>} per server, see {@link OpenCodeServerHealthChecks}) in the context's health
     * registry, once. Does nothing without a registry.
     */
    void registerHealthChecks() {
        var registry = org.apache.camel.health.HealthCheckRegistry.get(getCamelContext());
        if (registry != null) {
            synchronized (this) {
                if (registry.getRepository(OpenCodeServerHealthChecks.ID).isEmpty()) {
                    OpenCodeServerHealthChecks checks = new OpenCodeServerHealthChecks(this);
                    checks.setCamelContext(getCamelContext());
                    registry.register(checks);
                }
            }
        }
    }

    /**
     * The servers this component uses now, for the health checks: the fleet's instances (with their supervisor state
     * and current connection, if any) and the directly configured {@code serverUrl}s in use (state {@code null}).
     *
     * @return one entry per server; no passwords
     */
    List<ServerInUse> serversInUse() {
        List<ServerInUse> servers = new ArrayList<>();
        ServerPool pool = serverPool;
        if (pool != null) {
            Map<String, ServerConnection> byName = new java.util.HashMap<>();
            pool.connections().forEach(connection -> byName.put(connection.name(), connection));
            pool.reports().forEach(report -> servers.add(new ServerInUse(report.name(), report.url(), report.state(),
                    report.restarts(), report.lastProblem(), byName.get(report.name()))));
        }
        connections.values().forEach(connection -> servers.add(new ServerInUse(connection.name(),
                connection.client().endpoint().baseUri().toString(), null, 0, "", connection)));
        return servers;
    }

    /**
     * One server in use.
     *
     * @param name        fleet instance name, or the base URL of a direct {@code serverUrl}
     * @param url         its base URL (no credentials), empty while none runs
     * @param state       the fleet supervisor's state, {@code null} for a direct {@code serverUrl}
     * @param restarts    times the fleet restarted it
     * @param lastProblem the supervisor's latest problem, or empty
     * @param connection  the current connection, {@code null} while no server runs
     */
    record ServerInUse(String name, String url, InstanceState state, long restarts, String lastProblem, ServerConnection connection) {
    }

    /** @return the dispatch ledger, or {@code null} when none is configured */
    public DispatchLedger getLedger() {
        return ledger;
    }

    /**
     * @param ledger the dispatch ledger (idempotent dispatch, re-attach after a crash, history), or {@code null} for none;
     *     closed with the component
     */
    public void setLedger(DispatchLedger ledger) {
        this.ledger = ledger;
    }

    /**
     * @param endpointConfiguration the endpoint's options
     * @param sessionId the session the operation addresses, or null
     * @return the client of the server holding that session (fleet: remembered or found with
     *     {@code GET /session/{id}}), else of the least busy healthy server
     */
    OpenCodeClient clientFor(OpenCodeConfiguration endpointConfiguration, String sessionId) {
        if (!usesFleet(endpointConfiguration)) {
            return connectionFor(endpointConfiguration).client();
        }
        ServerPool pool = serverPool(endpointConfiguration);
        return sessionId == null || sessionId.isBlank() ? pool.anyConnection().client() : pool.clientForSession(sessionId);
    }

    /**
     * Applies an approval on the server where its request is pending.
     *
     * @param endpointConfiguration the endpoint's options
     * @param approval the approval
     * @return the approved request's session
     * @throws org.camelopencode.interaction.Approvals.ApprovalNotPendingException when no server lists it
     */
    String approve(OpenCodeConfiguration endpointConfiguration, Approval approval) {
        return usesFleet(endpointConfiguration) ? serverPool(endpointConfiguration).approve(approval)
                : Approvals.apply(connectionFor(endpointConfiguration).client(), approval);
    }

    /**
     * The status of every server this component uses: the fleet's instances (managed and external),
     * or one entry per directly configured {@code serverUrl} in use (its health read now with
     * {@code GET /global/health}).
     *
     * @return one report per server; no passwords
     */
    public List<InstanceReport> fleetStatus() {
        List<InstanceReport> reports = new ArrayList<>();
        ServerPool pool = serverPool;
        if (pool != null) {
            reports.addAll(pool.reports());
        }
        for (ServerConnection connection : connections.values()) {
            String version = "";
            String problem = "";
            boolean healthy;
            try {
                var health = connection.client().health();
                healthy = health.healthy();
                version = health.version() == null ? "" : health.version();
            } catch (RuntimeException unreachable) {
                healthy = false;
                problem = unreachable.getMessage();
            }
            reports.add(new InstanceReport(connection.name(), connection.client().endpoint().baseUri().toString(), false, -1,
                    version, healthy ? InstanceState.HEALTHY : InstanceState.UNHEALTHY, healthy, connection.inFlight(), -1,
                    Duration.ZERO, 0, 0, 0, problem == null ? "" : problem));
        }
        return reports;
    }

    /**
     * The folder the managed servers' agents work in: the {@code managedProjectDirectory} option, else the first
     * managed instance's own project folder (starting the fleet when it is not running yet).
     *
     * @return the absolute project folder
     * @throws IllegalStateException when no managed server runs
     */
    public Path managedProjectDirectory() {
        if (managedProjectDirectory != null && !managedProjectDirectory.isBlank()) {
            return Path.of(managedProjectDirectory).toAbsolutePath();
        }
        return serverPool(configuration).fleet().instances().stream().filter(FleetInstance::isManaged)
                .map(FleetInstance::server).flatMap(java.util.Optional::stream)
                .filter(ManagedOpenCodeServer.class::isInstance).map(server -> ((ManagedOpenCodeServer) server).projectDirectory())
                .findFirst().orElseThrow(() -> new IllegalStateException("no managed OpenCode server is running"));
    }

    private static boolean usesFleet(OpenCodeConfiguration endpointConfiguration) {
        String url = endpointConfiguration.getServerUrl();
        return url == null || url.isBlank();
    }

    private ServerConnection connect(String name, ServerEndpoint server, OpenCodeConfiguration endpointConfiguration) {
        ClientOptions clientOptions = new ClientOptions(Duration.ofSeconds(5),
                Durations.parsePositive(endpointConfiguration.getRequestTimeout(), "requestTimeout"));
        OpenCodeClient client = new OpenCodeClient(server, clientOptions);
        DispatchOptions dispatchOptions = DispatchOptions.defaults()
                .withPollInterval(Durations.parsePositive(endpointConfiguration.getPollInterval(), "pollInterval"))
                .withServerLostTimeout(Durations.parsePositive(endpointConfiguration.getServerLostTimeout(), "serverLostTimeout"));
        Dispatcher dispatcher = new Dispatcher(client, dispatchOptions);
        dispatcher.setSessionListener((request, sessionId) -> {
            var watcher = sessionWatchers.get(request);
            if (watcher != null) {
                watcher.accept(name, sessionId);
            }
        });
        dispatcher.setGateLatencyListener(latency -> {
            org.camelopencode.observe.DispatchMetrics meters = dispatchMetrics();
            if (meters != null) {
                meters.gateLatency(latency);
            }
        });
        return new ServerConnection(name, client, dispatcher);
    }

    /**
     * The fleet's pool, starting the fleet on first call (the managed servers in parallel).
     *
     * @throws org.camelopencode.server.ManagedServerException when managed servers were asked for and
     *     none could start (the message names the log file)
     */
    private synchronized ServerPool serverPool(OpenCodeConfiguration endpointConfiguration) {
        if (serverPool == null) {
            FleetOptions.Builder options = FleetOptions.builder()
                    .instances(managedInstances)
                    .binary(OpenCodeBinary.locate(binary))
                    .username(endpointConfiguration.getUsername() == null ? ServerEndpoint.DEFAULT_USERNAME : endpointConfiguration.getUsername())
                    .startTimeout(Durations.parsePositive(managedStartTimeout, "managedStartTimeout"))
                    .healthInterval(Durations.parsePositive(managedHealthInterval, "managedHealthInterval"))
                    .drainTimeout(Durations.parsePositive(managedDrainTimeout, "managedDrainTimeout"))
                    .logSizeLimit(ByteSizes.parse(managedLogSizeLimit, "managedLogSizeLimit"))
                    .recyclePolicy(new RecyclePolicy(managedRecycleAfterSessions,
                            ByteSizes.parse(managedRecycleAboveMemory, "managedRecycleAboveMemory")));
            if (managedConfig != null && !managedConfig.isBlank()) {
                options.configJson(managedConfig);
            }
            try {
                options.stateDirectory(managedStateDirectory != null && !managedStateDirectory.isBlank()
                        ? Path.of(managedStateDirectory).toAbsolutePath() : Files.createTempDirectory("opencode-fleet-"));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the managed servers' state folder", e);
            }
            if (managedProjectDirectory != null && !managedProjectDirectory.isBlank()) {
                options.projectDirectory(Path.of(managedProjectDirectory).toAbsolutePath());
            }
            List<ExternalServer> externals = externalServers(endpointConfiguration);
            ServerPool pool = new ServerPool((instance, server) -> connect(instance.name(),
                    ServerEndpoint.of(server.baseUri().toString(), server.username(), server.password()), endpointConfiguration),
                    maxSessionsPerServer);
            FleetOptions fleetOptions = options.build();
            OpenCodeFleet fleet = OpenCodeFleet.start(fleetOptions, externals, pool);
            pool.attach(fleet);
            serverPool = pool;
            LOG.info("OpenCode fleet: {} managed and {} external server(s), state in {}, {}", managedInstances, externals.size(),
                    fleetOptions.stateDirectory(), maxSessionsPerServer > 0 ? "at most " + maxSessionsPerServer + " sessions per server"
                            : "no cap on sessions per server");
        }
        return serverPool;
    }

    private List<ExternalServer> externalServers(OpenCodeConfiguration endpointConfiguration) {
        if (serverUrls == null || serverUrls.isBlank()) {
            return List.of();
        }
        return Arrays.stream(serverUrls.split(",")).map(String::strip).filter(url -> !url.isEmpty())
                .map(url -> ServerEndpoint.of(url, endpointConfiguration.getUsername(), endpointConfiguration.getPassword()))
                .map(server -> new ExternalServer(server.baseUri(), server.username(), server.password(), ""))
                .toList();
    }

    /**
     * Registers something to close when the component stops, after its connections and managed
     * server (for example the scripted model server of the offline demo).
     *
     * @param resource the resource
     */
    public synchronized void closeWithComponent(AutoCloseable resource) {
        closeWithComponent.add(resource);
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        if (ledger != null) {
            LedgerRecovery.logUnfinished(ledger);
        }
        if (progressInterval != null && !progressInterval.isBlank() && !"0".equals(progressInterval.strip())) {
            long millis = Durations.parsePositive(progressInterval, "progressInterval").toMillis();
            progressLogger = getCamelContext().getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "OpenCodeProgress");
            progressLogger.scheduleWithFixedDelay(this::logProgress, millis, millis, TimeUnit.MILLISECONDS);
        }
    }

    private void logProgress() {
        ServerPool pool = serverPool;
        if (pool != null) {
            pool.reports().forEach(report -> LOG.info("Fleet: {}", report.describe()));
        }
        inFlightProgress().forEach(progress -> LOG.info("Progress: {}", progress.describe()));
    }

    /**
     * What every dispatch in flight over HTTP is doing now, on every server this component uses (directly configured
     * servers and the fleet's current instances), built from each session's events ({@code GET /event}). Dispatches
     * through the CLI transport are not included.
     *
     * @return one entry per attempt in flight, in no particular order; empty when none
     */
    public List<org.camelopencode.dispatch.DispatchProgress> inFlightProgress() {
        List<ServerConnection> all = new ArrayList<>(connections.values());
        ServerPool pool = serverPool;
        if (pool != null) {
            all.addAll(pool.connections());
        }
        List<org.camelopencode.dispatch.DispatchProgress> progress = new ArrayList<>();
        all.forEach(connection -> progress.addAll(connection.dispatcher().progress()));
        return progress;
    }

    @Override
    protected void doStop() throws Exception {
        if (progressLogger != null) {
            getCamelContext().getExecutorServiceManager().shutdownNow(progressLogger);
            progressLogger = null;
        }
        connections.values().forEach(ServerConnection::close);
        connections.clear();
        synchronized (this) {
            if (serverPool != null) {
                serverPool.close();
                serverPool = null;
            }
            for (AutoCloseable resource : closeWithComponent) {
                try {
                    resource.close();
                } catch (Exception failure) {
                    LOG.warn("Closing {} failed: {}", resource, failure.getMessage());
                }
            }
            closeWithComponent.clear();
            if (ledger != null) {
                ledger.close();
            }
        }
        super.doStop();
    }

    /** @return the default options that every endpoint copies */
    public OpenCodeConfiguration getConfiguration() {
        return configuration;
    }

    /** @param configuration the default options that every endpoint copies */
    public void setConfiguration(OpenCodeConfiguration configuration) {
        this.configuration = configuration;
    }

    /** @return the configured binary path, or {@code null} */
    public String getBinary() {
        return binary;
    }

    /** @param binary the opencode binary for the managed server */
    public void setBinary(String binary) {
        this.binary = binary;
    }

    /** @return the managed server's OpenCode config JSON, or {@code null} */
    public String getManagedConfig() {
        return managedConfig;
    }

    /** @param managedConfig the managed server's OpenCode config JSON */
    public void setManagedConfig(String managedConfig) {
        this.managedConfig = managedConfig;
    }

    /** @return the managed server's state folder, or {@code null} */
    public String getManagedStateDirectory() {
        return managedStateDirectory;
    }

    /** @param managedStateDirectory the managed server's state folder */
    public void setManagedStateDirectory(String managedStateDirectory) {
        this.managedStateDirectory = managedStateDirectory;
    }

    /** @return the managed server's working directory, or {@code null} */
    public String getManagedProjectDirectory() {
        return managedProjectDirectory;
    }

    /** @param managedProjectDirectory the managed server's working directory */
    public void setManagedProjectDirectory(String managedProjectDirectory) {
        this.managedProjectDirectory = managedProjectDirectory;
    }

    /** @return the managed server's start timeout text */
    public String getManagedStartTimeout() {
        return managedStartTimeout;
    }

    /** @param managedStartTimeout ISO-8601 duration or whole seconds */
    public void setManagedStartTimeout(String managedStartTimeout) {
        this.managedStartTimeout = managedStartTimeout;
    }

    /** @return how many managed servers run when no serverUrl is set */
    public int getManagedInstances() {
        return managedInstances;
    }

    /** @param managedInstances managed servers to run (0 = only the serverUrls) */
    public void setManagedInstances(int managedInstances) {
        this.managedInstances = managedInstances;
    }

    /** @return the external servers' URLs (comma-separated), or {@code null} */
    public String getServerUrls() {
        return serverUrls;
    }

    /** @param serverUrls comma-separated base URLs of external servers to use besides the managed ones */
    public void setServerUrls(String serverUrls) {
        this.serverUrls = serverUrls;
    }

    /** @return the cap of dispatches at once per server, 0 = none */
    public int getMaxSessionsPerServer() {
        return maxSessionsPerServer;
    }

    /** @param maxSessionsPerServer the cap of dispatches at once per server, 0 = none */
    public void setMaxSessionsPerServer(int maxSessionsPerServer) {
        this.maxSessionsPerServer = maxSessionsPerServer;
    }

    /** @return sessions after which a managed server is recycled, 0 = never */
    public long getManagedRecycleAfterSessions() {
        return managedRecycleAfterSessions;
    }

    /** @param managedRecycleAfterSessions sessions after which a managed server is recycled, 0 = never */
    public void setManagedRecycleAfterSessions(long managedRecycleAfterSessions) {
        this.managedRecycleAfterSessions = managedRecycleAfterSessions;
    }

    /** @return the memory size above which a managed server is recycled, e.g. {@code 2g}; 0 = never */
    public String getManagedRecycleAboveMemory() {
        return managedRecycleAboveMemory;
    }

    /** @param managedRecycleAboveMemory bytes or a number with k, m or g; 0 = never */
    public void setManagedRecycleAboveMemory(String managedRecycleAboveMemory) {
        this.managedRecycleAboveMemory = managedRecycleAboveMemory;
    }

    /** @return how long a recycled server may finish its sessions */
    public String getManagedDrainTimeout() {
        return managedDrainTimeout;
    }

    /** @param managedDrainTimeout ISO-8601 duration or whole seconds */
    public void setManagedDrainTimeout(String managedDrainTimeout) {
        this.managedDrainTimeout = managedDrainTimeout;
    }

    /** @return how often each server is checked */
    public String getManagedHealthInterval() {
        return managedHealthInterval;
    }

    /** @param managedHealthInterval ISO-8601 duration or whole seconds */
    public void setManagedHealthInterval(String managedHealthInterval) {
        this.managedHealthInterval = managedHealthInterval;
    }

    /** @return the cap of each managed server's log */
    public String getManagedLogSizeLimit() {
        return managedLogSizeLimit;
    }

    /** @param managedLogSizeLimit bytes or a number with k, m or g; 0 = no cap */
    public void setManagedLogSizeLimit(String managedLogSizeLimit) {
        this.managedLogSizeLimit = managedLogSizeLimit;
    }

    /** @return the progress log interval, or {@code null} when off */
    public String getProgressInterval() {
        return progressInterval;
    }

    /** @param progressInterval ISO-8601 duration or whole seconds; unset or 0 = no progress lines */
    public void setProgressInterval(String progressInterval) {
        this.progressInterval = progressInterval;
    }
}
