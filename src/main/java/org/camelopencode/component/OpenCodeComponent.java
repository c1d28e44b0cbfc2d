package org.camelopencode.component;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.PropertyConfigurer;
import org.apache.camel.support.DefaultComponent;
import org.camelopencode.dispatch.DispatchProgress;
import org.camelopencode.ledger.ClusterNode;
import org.camelopencode.ledger.DispatchLedger;
import org.camelopencode.ledger.LeaseHeartbeat;
import org.camelopencode.ledger.LedgerEntry;
import org.camelopencode.observe.DispatchMetrics;
import org.camelopencode.observe.DispatchTracing;
import org.camelopencode.observe.MeterRegistryLookup;
import org.camelopencode.server.InstanceReport;
import org.camelopencode.workspace.Git;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code opencode:} component: hands work to OpenCode agents through an {@code opencode serve}
 * server. Endpoints are {@code opencode:operation?options} (see {@link OpenCodeOperation}).
 *
 * <p>An endpoint with a {@code serverUrl} uses that server directly, unsupervised ({@link DirectServer}); all
 * endpoints that talk to the same server share one client, one event-stream connection and one dispatcher. Without
 * one it uses the component's fleet ({@link FleetServers}, options in {@link ManagedFleetConfiguration}): supervised
 * managed servers plus the external {@code serverUrls}, started on first use and stopped with the component; each
 * dispatch goes to the least busy healthy server, and an attempt whose server dies fails at once as
 * {@code provider_unavailable}, so a retry runs on another server.
 */
@org.apache.camel.spi.annotations.Component("opencode")
public class OpenCodeComponent extends DefaultComponent {

    private static final Logger LOG = LoggerFactory.getLogger(OpenCodeComponent.class);

    @Metadata(description = "Default options for every endpoint of this component.")
    private OpenCodeConfiguration configuration = new OpenCodeConfiguration();
    @Metadata(label = "cli", description = "Default options of the CLI transport (transport=cli) for every endpoint of this component.")
    private CliConfiguration cliConfiguration = new CliConfiguration();
    @Metadata(label = "workspace", description = "Default workspace options (git worktrees, commits) for every endpoint of this component.")
    private WorkspaceConfiguration workspaceConfiguration = new WorkspaceConfiguration();
    @Metadata(label = "managed", description = "The fleet's options (managed servers and external serverUrls), used when no serverUrl is set.")
    private ManagedFleetConfiguration fleetConfiguration = new ManagedFleetConfiguration();
    @Metadata(label = "advanced", description = "The component's background work: progress lines and session retention.")
    private ServicesConfiguration servicesConfiguration = new ServicesConfiguration();
    @Metadata(label = "producer", description = "Default answers to the agent's permission requests and questions, and where escalations go.")
    private InteractionConfiguration interactionConfiguration = new InteractionConfiguration();
    @Metadata(label = "producer", description = "Default caps on the tokens and cost of one attempt.")
    private BudgetConfiguration budgetConfiguration = new BudgetConfiguration();

    private final Workspaces workspaces = new Workspaces(new Git());
    private final ServerRegistry servers = new ServerRegistry(() -> fleetConfiguration, this::recordGateLatency);
    private final ComponentServices services = new ComponentServices();
    private volatile DispatchLedger ledger;
    private volatile ClusterNode clusterNode = ClusterNode.single();
    private volatile DispatchTracing tracing;
    private volatile DispatchMetrics metrics;
    private PropertyConfigurer componentConfigurer;
    private PropertyConfigurer endpointConfigurer;

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        if (remaining == null || remaining.isBlank()) {
            throw new IllegalArgumentException("opencode: needs an operation, for example opencode:dispatch; one of "
                    + Arrays.toString(OpenCodeOperation.values()));
        }
        OpenCodeEndpoint endpoint = new OpenCodeEndpoint(uri, this);
        endpoint.setOperation(getCamelContext().getTypeConverter().mandatoryConvertTo(OpenCodeOperation.class, remaining));
        setProperties(endpoint, parameters);
        return endpoint;
    }

    /**
     * Chooses the servers of an endpoint: its {@code serverUrl} when set (one {@link DirectServer} per server, user,
     * password), else the component's fleet. Nothing connects or starts here.
     *
     * @param endpointConfiguration the endpoint's options
     * @return the servers, shared with every endpoint that names the same
     */
    OpenCodeServers serversFor(OpenCodeConfiguration endpointConfiguration) {
        return servers.serversFor(endpointConfiguration);
    }

    private void recordGateLatency(Duration latency) {
        DispatchMetrics meters = dispatchMetrics();
        if (meters != null) {
            meters.gateLatency(latency);
        }
    }

    /**
     * The status of every server this component uses: the fleet's instances (managed and external) and one entry per
     * directly configured {@code serverUrl} in use (its health read now with {@code GET /global/health}).
     *
     * @return one report per server; no passwords
     */
    public List<InstanceReport> fleetStatus() {
        return servers.reports();
    }

    /**
     * What every dispatch in flight over HTTP is doing now, on every server this component uses, built from each
     * session's events ({@code GET /global/event}). Dispatches through the CLI transport are not included.
     *
     * @return one entry per attempt in flight, in no particular order; empty when none
     */
    public List<DispatchProgress> inFlightProgress() {
        return servers.progress();
    }

    /**
     * Registers something to close when the component stops, after its connections and managed
     * server (for example the scripted model server of the offline demo).
     *
     * @param resource the resource
     */
    public void closeWithComponent(AutoCloseable resource) {
        services.closeWithComponent(resource);
    }

    /** @return the generated component configurer, reading duration options with {@link DurationOptionConfigurer} */
    @Override
    public synchronized PropertyConfigurer getComponentPropertyConfigurer() {
        componentConfigurer = DurationOptionConfigurer.wrap(componentConfigurer, super.getComponentPropertyConfigurer());
        return componentConfigurer;
    }

    /** @return the generated endpoint configurer, reading duration options with {@link DurationOptionConfigurer} */
    @Override
    public synchronized PropertyConfigurer getEndpointPropertyConfigurer() {
        endpointConfigurer = DurationOptionConfigurer.wrap(endpointConfigurer, super.getEndpointPropertyConfigurer());
        return endpointConfigurer;
    }

    /** @return the servers in use now with their connections (fleet instances, direct servers), for the health checks */
    List<ServerInUse> serversInUse() {
        return servers.inUse();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        DispatchLedger started = ledger;
        if (started != null) {
            // a worktree an unfinished entry works in survives the sweep: its task re-attaches and goes on there
            workspaces.worktrees().keepResumable(() -> resumableWorktrees(started));
        }
        services.start(getCamelContext(), ledger, clusterNode, servicesConfiguration, servers);
    }

    /** Reads the ledger's running entries: the folders of their worktrees. */
    private static Set<Path> resumableWorktrees(DispatchLedger ledger) {
        return ledger.unfinished().stream().map(LedgerEntry::worktree).filter(Objects::nonNull)
                .map(worktree -> Path.of(worktree.directory())).collect(Collectors.toSet());
    }

    @Override
    protected void doStop() throws Exception {
        services.stopSweeps();
        servers.close();
        services.stop(ledger);
        super.doStop();
    }

    /**
     * The dispatch meters: those set with {@link #setMetrics}, else made on first use in the context's only Micrometer
     * {@code MeterRegistry} (camel-micrometer-prometheus's when {@code camel.metrics.enabled}).
     *
     * @return the meters, or {@code null} when there is no registry or no Micrometer (nothing is measured)
     */
    public DispatchMetrics dispatchMetrics() {
        if (metrics == null) {
            synchronized (this) {
                if (metrics == null) {
                    metrics = MeterRegistryLookup.find(getCamelContext());
                }
            }
        }
        return metrics;
    }

    /** @param metrics the dispatch meters to use, or {@code null} to look for a registry on first use */
    public void setMetrics(DispatchMetrics metrics) {
        this.metrics = metrics;
    }

    /** @return the spans of dispatches, or {@code null} when tracing is off */
    public DispatchTracing getTracing() {
        return tracing;
    }

    /** @param tracing the spans of dispatches ({@code opencode.dispatch} and {@code opencode.attempt}), or {@code null} for none */
    public void setTracing(DispatchTracing tracing) {
        this.tracing = tracing;
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

    /** @return this runner in the cluster: the owner of its task claims and their lease (default: one runner, host + pid) */
    public ClusterNode getClusterNode() {
        return clusterNode;
    }

    /**
     * @param clusterNode this runner in the cluster ({@code opencode.cluster.*}, README "Running several runners"); set
     *     before the component starts
     */
    public void setClusterNode(ClusterNode clusterNode) {
        this.clusterNode = java.util.Objects.requireNonNull(clusterNode, "clusterNode");
    }

    /** @return the lease heartbeat while the component runs with a ledger, else {@code null} */
    public LeaseHeartbeat getHeartbeat() {
        return services.heartbeat();
    }

    /** @return the default options that every endpoint copies */
    public OpenCodeConfiguration getConfiguration() {
        return configuration;
    }

    /** @param configuration the default options that every endpoint copies */
    public void setConfiguration(OpenCodeConfiguration configuration) {
        this.configuration = configuration;
    }

    /** @return the default options of the CLI transport that every endpoint copies */
    public CliConfiguration getCliConfiguration() {
        return cliConfiguration;
    }

    /** @param cliConfiguration the default options of the CLI transport that every endpoint copies */
    public void setCliConfiguration(CliConfiguration cliConfiguration) {
        this.cliConfiguration = cliConfiguration;
    }

    /** @return the default workspace options that every endpoint copies */
    public WorkspaceConfiguration getWorkspaceConfiguration() {
        return workspaceConfiguration;
    }

    /** @param workspaceConfiguration the default workspace options that every endpoint copies */
    public void setWorkspaceConfiguration(WorkspaceConfiguration workspaceConfiguration) {
        this.workspaceConfiguration = workspaceConfiguration;
    }

    /** @return the default answers to permission requests and questions that every endpoint copies */
    public InteractionConfiguration getInteractionConfiguration() {
        return interactionConfiguration;
    }

    /** @param interactionConfiguration the default answers to permission requests and questions that every endpoint copies */
    public void setInteractionConfiguration(InteractionConfiguration interactionConfiguration) {
        this.interactionConfiguration = interactionConfiguration;
    }

    /** @return the default caps on one attempt's tokens and cost that every endpoint copies */
    public BudgetConfiguration getBudgetConfiguration() {
        return budgetConfiguration;
    }

    /** @param budgetConfiguration the default caps on one attempt's tokens and cost that every endpoint copies */
    public void setBudgetConfiguration(BudgetConfiguration budgetConfiguration) {
        this.budgetConfiguration = budgetConfiguration;
    }

    /** @return the component's worktrees, changes and directory queue, shared by every endpoint */
    Workspaces workspaces() {
        return workspaces;
    }

    /** @return the fleet's options (managed servers and external {@code serverUrls}) */
    public ManagedFleetConfiguration getFleetConfiguration() {
        return fleetConfiguration;
    }

    /** @param fleetConfiguration the fleet's options; read when the fleet starts (first use) */
    public void setFleetConfiguration(ManagedFleetConfiguration fleetConfiguration) {
        this.fleetConfiguration = fleetConfiguration;
    }

    /** @return the options of the component's background work (progress lines, session retention) */
    public ServicesConfiguration getServicesConfiguration() {
        return servicesConfiguration;
    }

    /** @param servicesConfiguration the options of the component's background work; read when the component starts */
    public void setServicesConfiguration(ServicesConfiguration servicesConfiguration) {
        this.servicesConfiguration = servicesConfiguration;
    }

    /** @return the retention sweeper while it runs, else {@code null} */
    SessionRetention retentionSweeper() {
        return services.retentionSweeper();
    }
}
