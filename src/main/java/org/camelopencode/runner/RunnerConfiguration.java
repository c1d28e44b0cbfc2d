package org.camelopencode.runner;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.file.cluster.FileLockClusterService;
import org.camelopencode.component.OpenCodeComponent;
import org.camelopencode.ledger.ClusterNode;
import org.camelopencode.ledger.DispatchLedger;
import org.camelopencode.ledger.LedgerSettings;
import org.camelopencode.task.Durations.BareNumber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the {@code opencode} component from the runner's {@code opencode.*} properties ({@link ComponentSettings})
 * and binds the beans the YAML routes use ({@code fileDropSteps}, {@code messageTaskSteps}, {@code pipelineSteps},
 * {@code scheduledTasks}, {@code opencodeStatus}, and the playbook's {@code opencodePlaybook} and spend caps: see
 * {@link PlaybookSettings}), the dispatch ledger, tracing, JMS and the schedule's cluster service.
 *
 * <p>Its first log lines say where things are: the file drop's folders, the OpenCode server (or the managed fleet)
 * and the status page.
 */
public class RunnerConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(RunnerConfiguration.class);

    @Override
    public void configure(CamelContext context) throws Exception {
        RunnerProperties settings = new RunnerProperties(context.getPropertiesComponent());
        LOG.info("File drop: tasks from {}, results to {}, failures to {}", absolute(settings, "opencode.inbox"),
                absolute(settings, "opencode.outbox"), absolute(settings, "opencode.dead-letter"));
        // Camel may have created the component already (discovered through its service file): configure that one.
        OpenCodeComponent component = context.getComponent("opencode", OpenCodeComponent.class);
        LOG.info("{}", ComponentSettings.apply(component, settings));
        if (settings.isTrue("opencode.status.enabled")) {
            LOG.info("Status page: http://{}:{}/status (JSON at /status/api)", settings.require("opencode.status.host"),
                    settings.require("opencode.status.port"));
        }
        configureLedger(component, settings);
        if (settings.isTrue("opencode.tracing.enabled")) {
            String endpoint = settings.require("opencode.tracing.otlp-endpoint");
            component.setTracing(org.camelopencode.observe.TracingSetup.configure(context, endpoint,
                    settings.require("opencode.tracing.service-name")));
            LOG.info("Tracing: opencode.dispatch and opencode.attempt spans to {}", endpoint);
        }
        if (settings.isTrue("opencode.approvals.enabled")) {
            String queue = settings.require("opencode.approvals.queue");
            component.getInteractionConfiguration().setApprovalEndpoint("jms:queue:" + queue + "?preserveMessageQos=true");
            LOG.info("Approvals: escalated permission and question requests go to JMS queue {}; approvals are read from {}", queue,
                    settings.require("opencode.approvals.reply-queue"));
        }
        // routes/approvals.yaml reads the approvals for no runner in particular and those forwarded to this one.
        if (settings.get("opencode.approvals.selector") == null) {
            context.getPropertiesComponent().addOverrideProperty("opencode.approvals.selector",
                    approvalSelector(component.getClusterNode().nodeId()));
        }
        bindSteps(context, settings);
        context.getRegistry().bind("opencodeInboxLocks", new InboxLocks(component, Integer.parseInt(settings.require("opencode.concurrency"))));
        boolean sharedInbox = settings.isTrue("opencode.inbox.shared");
        // routes/file-drop.yaml reads its readLock from this key (derived from opencode.inbox.shared unless set).
        if (settings.get("opencode.inbox.read-lock") == null) {
            context.getPropertiesComponent().addOverrideProperty("opencode.inbox.read-lock", sharedInbox ? "idempotent-changed" : "changed");
        }
        if (sharedInbox) {
            LOG.info("File drop: shared inbox: each file is locked in the ledger (readLock=idempotent-changed), one runner takes it");
        }
        if (settings.isTrue("opencode.kafka.enabled")) {
            context.addService(new KafkaTakeOverSweep(context, component));
        }
        context.addService(clusterService(settings));
        PlaybookSettings.bind(context, settings);
        // Status page (routes/status.yaml): the recorder sees every opencode:dispatch attempt, whatever route sends it.
        StatusRecorder statusRecorder = new StatusRecorder();
        context.getManagementStrategy().addEventNotifier(statusRecorder);
        context.getRegistry().bind("opencodeStatus", new StatusPage(component, statusRecorder, java.time.Clock.systemUTC()));
        // Last: it starts the embedded broker, so a malformed setting above fails before anything runs.
        RunnerJms.configure(context, settings);
    }

    /** The beans the task routes call: the file, message, pipeline and schedule steps. */
    private static void bindSteps(CamelContext context, RunnerProperties settings) {
        String deadLetter = settings.get("opencode.dead-letter");
        String outbox = settings.get("opencode.outbox");
        FileDropSteps fileDropSteps = new FileDropSteps(deadLetter == null ? null : Path.of(deadLetter), outbox == null ? null : Path.of(outbox));
        context.getRegistry().bind("fileDropSteps", fileDropSteps);
        context.getRegistry().bind("messageTaskSteps", new MessageTaskSteps());
        context.getRegistry().bind("pipelineSteps", new PipelineSteps(fileDropSteps));
        String scheduleFolder = settings.get("opencode.schedule.folder");
        context.getRegistry().bind("scheduledTasks", new ScheduledTasks(settings.require("opencode.schedule.name"),
                settings.get("opencode.schedule.prompt"), scheduleFolder == null ? null : Path.of(scheduleFolder)));
    }

    /** master: endpoints (routes/scheduled.yaml) elect their leader through a lock file in a shared folder. */
    private static FileLockClusterService clusterService(RunnerProperties settings) {
        FileLockClusterService cluster = new FileLockClusterService();
        cluster.setRoot(settings.require("opencode.cluster.dir"));
        cluster.setAcquireLockInterval(settings.requireDuration("opencode.cluster.lock-interval-ms", BareNumber.MILLISECONDS)
                .toMillis(), TimeUnit.MILLISECONDS);
        return cluster;
    }

    /**
     * The {@code opencode.ledger.*} keys (README "Dispatch ledger"): an H2 file database next to the inbox
     * ({@code work/ledger/ledger} for the default inbox {@code work/inbox}) unless {@code opencode.ledger.url} names
     * another JDBC database. The password is never logged.
     */
    private static void configureLedger(OpenCodeComponent component, RunnerProperties settings) {
        if ("false".equalsIgnoreCase(settings.require("opencode.ledger.enabled"))) {
            LOG.info("Dispatch ledger: disabled (opencode.ledger.enabled=false): redelivered tasks are dispatched again");
            return;
        }
        String url = settings.get("opencode.ledger.url");
        if (url == null) {
            Path work = Path.of(settings.require("opencode.inbox")).toAbsolutePath().normalize().getParent();
            url = "jdbc:h2:file:" + work.resolve("ledger").resolve("ledger") + ";AUTO_SERVER=FALSE";
        }
        component.setLedger(DispatchLedger.open(new LedgerSettings(url, settings.get("opencode.ledger.username"),
                settings.get("opencode.ledger.password"))));
        component.setClusterNode(clusterNode(settings));
    }

    /**
     * The {@code opencode.cluster.*} keys of the claims (README "Running several runners"): node id (blank = host +
     * pid), lease, claim wait (blank = 2 x lease) and whether other runners share the ledger.
     */
    static ClusterNode clusterNode(RunnerProperties settings) {
        String nodeId = settings.get("opencode.cluster.node-id");
        Duration lease = settings.requireDuration("opencode.cluster.lease", BareNumber.SECONDS);
        Duration wait = settings.duration("opencode.cluster.claim-wait", BareNumber.SECONDS).orElse(null);
        return new ClusterNode(nodeId == null ? ClusterNode.defaultNodeId() : nodeId, lease, wait,
                settings.isTrue("opencode.cluster.enabled"));
    }

    /**
     * The approvals route's JMS message selector: an approval nobody forwarded ({@code OpenCodeApprovalOwner} unset), or
     * one another runner forwarded to this node because it owns the approval's session.
     *
     * @param nodeId this runner's node id (a quote in it is doubled, as JMS selectors escape it)
     * @return the selector
     */
    static String approvalSelector(String nodeId) {
        String property = org.camelopencode.component.OpenCodeConstants.APPROVAL_OWNER;
        return property + " IS NULL OR " + property + " = '" + nodeId.replace("'", "''") + "'";
    }

    /** @return the key's folder as an absolute path, or {@code (key unset)} */
    static String absolute(RunnerProperties settings, String key) {
        String folder = settings.get(key);
        return folder == null ? "(" + key + " unset)" : Path.of(folder).toAbsolutePath().normalize().toString();
    }
}
