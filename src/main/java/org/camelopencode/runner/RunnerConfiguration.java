package org.camelopencode.runner;

import java.nio.file.Path;
import java.util.List;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.file.cluster.FileLockClusterService;
import org.apache.camel.spi.PropertiesComponent;
import org.camelopencode.component.OpenCodeComponent;
import org.camelopencode.component.OpenCodeConfiguration;
import org.camelopencode.ledger.DispatchLedger;
import org.camelopencode.ledger.LedgerSettings;
import org.camelopencode.server.OpenCodeConfig;
import org.camelopencode.testkit.ScriptedModelServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the {@code opencode} component from the runner's {@code opencode.*} properties and binds
 * the beans the YAML routes use ({@code fileDropSteps}, {@code messageTaskSteps}, and the playbook's {@code opencodePlaybook} and
 * {@code opencodeSpendCap}: see {@link PlaybookSettings}).
 *
 * <p>With no {@code opencode.server.url} it configures the fleet of managed servers
 * ({@code opencode.managed.*}) and the external {@code opencode.server.urls}; with no model and no
 * provider key in the environment either, it starts the scripted model server and runs OFFLINE
 * (it says so in the log).
 */
public class RunnerConfiguration implements CamelConfiguration {

    /** Environment variables that mean a real model provider is configured. */
    static final List<String> PROVIDER_KEYS = List.of("OPENCODE_API_KEY", "OPENAI_API_KEY", "ANTHROPIC_API_KEY",
            "OPENROUTER_API_KEY", "GEMINI_API_KEY", "GOOGLE_GENERATIVE_AI_API_KEY", "GROQ_API_KEY", "MISTRAL_API_KEY",
            "DEEPSEEK_API_KEY", "XAI_API_KEY", "AZURE_OPENAI_API_KEY");

    private static final Logger LOG = LoggerFactory.getLogger(RunnerConfiguration.class);
    private static final String OFFLINE_PROVIDER = "offline";
    private static final String OFFLINE_MODEL = "demo";

    @Override
    public void configure(CamelContext context) throws Exception {
        RunnerProperties settings = new RunnerProperties(context.getPropertiesComponent());
        // Camel may have created the component already (discovered through its service file): configure that one.
        OpenCodeComponent component = context.getComponent("opencode", OpenCodeComponent.class);
        OpenCodeConfiguration configuration = component.getConfiguration();
        String serverUrl = settings.get("opencode.server.url");
        String model = settings.get("opencode.model");
        configuration.setServerUrl(serverUrl);
        configuration.setUsername(settings.getOrDefault("opencode.server.username", "opencode"));
        configuration.setPassword(settings.get("opencode.server.password"));
        configuration.setModel(model);
        configuration.setTimeout(settings.getOrDefault("opencode.timeout", "PT5M"));
        configuration.setPermissionPolicy(settings.get("opencode.permission-policy"));
        configuration.setQuestionPolicy(settings.get("opencode.question-policy"));
        configuration.setApprovalTimeToLive(settings.getOrDefault("opencode.approvals.time-to-live", "PT30M"));
        component.setProgressInterval(settings.getOrDefault("opencode.progress-interval", "PT10S"));
        configureLedger(component, settings, settings.get("opencode.inbox"));
        if (settings.isTrue("opencode.tracing.enabled")) {
            String endpoint = settings.getOrDefault("opencode.tracing.otlp-endpoint", "http://127.0.0.1:4318/v1/traces");
            component.setTracing(org.camelopencode.observe.TracingSetup.configure(context, endpoint,
                    settings.getOrDefault("opencode.tracing.service-name", "camel-opencode")));
            LOG.info("Tracing: opencode.dispatch and opencode.attempt spans to {}", endpoint);
        }
        RunnerJms.configure(context, settings);
        if (settings.isTrue("opencode.approvals.enabled")) {
            String queue = settings.getOrDefault("opencode.approvals.queue", "opencode.approvals");
            configuration.setApprovalEndpoint("jms:queue:" + queue + "?preserveMessageQos=true");
            LOG.info("Approvals: escalated permission and question requests go to JMS queue {}; approvals are read from {}", queue,
                    settings.getOrDefault("opencode.approvals.reply-queue", "opencode.approvals.replies"));
        }
        if (serverUrl == null) {
            component.setBinary(settings.get("opencode.binary"));
            component.setManagedStateDirectory(settings.get("opencode.state-dir"));
            component.setManagedProjectDirectory(settings.get("opencode.project-dir"));
            configureFleet(component, settings);
            OpenCodeConfig serverConfig = new OpenCodeConfig();
            if (model == null && configuredProviderKey() == null) {
                ScriptedModelServer scriptedModel = ScriptedModelServer.start();
                component.closeWithComponent(scriptedModel);
                serverConfig.scriptedProvider(OFFLINE_PROVIDER, scriptedModel.baseUri(), OFFLINE_MODEL)
                        .model(OFFLINE_PROVIDER + "/" + OFFLINE_MODEL)
                        .smallModel(OFFLINE_PROVIDER + "/" + OFFLINE_MODEL);
                configuration.setModel(OFFLINE_PROVIDER + "/" + OFFLINE_MODEL);
                LOG.warn("OFFLINE DEMO: no model provider is configured (no opencode.model, no provider API key in the"
                        + " environment), so the managed OpenCode server answers with the scripted demo model at {}."
                        + " Set opencode.model=provider/model (for example opencode/gpt-5-nano) or a provider key to use a real model.",
                        scriptedModel.baseUri());
            } else if (model != null) {
                serverConfig.model(model);
            }
            component.setManagedConfig(serverConfig.toJson());
            LOG.info("No opencode.server.url: starting {} managed OpenCode server(s){}", component.getManagedInstances(),
                    component.getServerUrls() == null ? "" : " and using the servers " + component.getServerUrls());
        } else {
            LOG.info("Using the OpenCode server at {} as user {}", serverUrl, configuration.getUsername());
        }
        String deadLetter = settings.get("opencode.dead-letter");
        context.getRegistry().bind("fileDropSteps", new FileDropSteps(deadLetter == null ? null : Path.of(deadLetter)));
        context.getRegistry().bind("messageTaskSteps", new MessageTaskSteps());
        context.getRegistry().bind("pipelineSteps", new PipelineSteps(context.getRegistry().lookupByNameAndType("fileDropSteps", FileDropSteps.class)));
        String scheduleFolder = settings.get("opencode.schedule.folder");
        context.getRegistry().bind("scheduledTasks", new ScheduledTasks(settings.getOrDefault("opencode.schedule.name", "scheduled"),
                settings.get("opencode.schedule.prompt"), scheduleFolder == null ? null : Path.of(scheduleFolder)));
        // master: endpoints (routes/scheduled.yaml) elect their leader through a lock file in a shared folder.
        FileLockClusterService cluster = new FileLockClusterService();
        cluster.setRoot(settings.getOrDefault("opencode.cluster.dir", "work/cluster"));
        cluster.setAcquireLockInterval(Long.parseLong(settings.getOrDefault("opencode.cluster.lock-interval-ms", "5000")),
                java.util.concurrent.TimeUnit.MILLISECONDS);
        context.addService(cluster);
        PlaybookSettings.bind(context, settings);
        // Status page (routes/status.yaml): the recorder sees every opencode:dispatch attempt, whatever route sends it.
        StatusRecorder statusRecorder = new StatusRecorder();
        context.getManagementStrategy().addEventNotifier(statusRecorder);
        context.getRegistry().bind("opencodeStatus", new StatusPage(component, statusRecorder, java.time.Clock.systemUTC()));
        if (settings.isTrue("opencode.status.enabled")) {
            LOG.info("Status page: http://{}:{}/status (JSON at /status/api)", settings.getOrDefault("opencode.status.host", "127.0.0.1"),
                    settings.getOrDefault("opencode.status.port", "9877"));
        }
        LOG.info("File drop: tasks from {}, results to {}, failures to {}", absolute(settings, "opencode.inbox"),
                absolute(settings, "opencode.outbox"), absolute(settings, "opencode.dead-letter"));
    }

    /**
     * The {@code opencode.ledger.*} keys (README "Dispatch ledger"): enabled by default, an H2 file database next to the
     * inbox ({@code work/ledger/ledger} for the default inbox {@code work/inbox}) unless {@code opencode.ledger.url} names
     * another JDBC database. The password is never logged.
     */
    private static void configureLedger(OpenCodeComponent component, RunnerProperties settings, String inbox) {
        if ("false".equalsIgnoreCase(settings.getOrDefault("opencode.ledger.enabled", "true").strip())) {
            LOG.info("Dispatch ledger: disabled (opencode.ledger.enabled=false): redelivered tasks are dispatched again");
            return;
        }
        String url = settings.get("opencode.ledger.url");
        if (url == null || url.isBlank()) {
            Path work = Path.of(inbox == null ? "work/inbox" : inbox).toAbsolutePath().normalize().getParent();
            url = "jdbc:h2:file:" + work.resolve("ledger").resolve("ledger") + ";AUTO_SERVER=FALSE";
        }
        component.setLedger(DispatchLedger.open(new LedgerSettings(url, settings.get("opencode.ledger.username"),
                settings.get("opencode.ledger.password"))));
    }

    /** The {@code opencode.managed.*} and {@code opencode.server.urls} keys (README "Fleet"). */
    private static void configureFleet(OpenCodeComponent component, RunnerProperties settings) {
        String externalUrls = settings.get("opencode.server.urls");
        component.setServerUrls(externalUrls);
        // With external servers listed and no instance count, only they are used.
        component.setManagedInstances(Integer.parseInt(settings.getOrDefault("opencode.managed.instances", externalUrls == null ? "1" : "0")));
        component.setMaxSessionsPerServer(Integer.parseInt(settings.getOrDefault("opencode.managed.max-sessions-per-server", "0")));
        component.setManagedRecycleAfterSessions(Long.parseLong(settings.getOrDefault("opencode.managed.recycle-after-sessions", "0")));
        component.setManagedRecycleAboveMemory(settings.getOrDefault("opencode.managed.recycle-above-memory", "0"));
        component.setManagedDrainTimeout(settings.getOrDefault("opencode.managed.drain-timeout", "PT5M"));
        component.setManagedHealthInterval(settings.getOrDefault("opencode.managed.health-interval", "PT5S"));
        component.setManagedLogSizeLimit(settings.getOrDefault("opencode.managed.log-size-limit", "10m"));
    }

    private static String configuredProviderKey() {
        return PROVIDER_KEYS.stream().filter(key -> {
            String value = System.getenv(key);
            return value != null && !value.isBlank();
        }).findFirst().orElse(null);
    }

    private static String absolute(RunnerProperties settings, String key) {
        String folder = settings.get(key);
        return folder == null ? "(" + key + " unset)" : java.nio.file.Path.of(folder).toAbsolutePath().normalize().toString();
    }
}
