package org.camelopencode.component;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
import org.camelopencode.dispatch.Dispatcher;
import org.camelopencode.dispatch.Durations;
import org.camelopencode.server.ManagedOpenCodeServer;
import org.camelopencode.server.ManagedServerOptions;
import org.camelopencode.server.OpenCodeBinary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code opencode:} component: hands work to OpenCode agents through an {@code opencode serve}
 * server. Endpoints are {@code opencode:operation?options} (see {@link OpenCodeOperation}).
 *
 * <p>When no {@code serverUrl} is configured the component starts its own managed server (the
 * embedded default) with the pinned binary, a generated password and private state folders, and
 * stops it with the component. All endpoints that talk to the same server share one client, one
 * event-stream connection and one dispatcher.
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
    @Metadata(label = "advanced", description = "How often to log one progress line per dispatch in flight (state, elapsed time, tool calls,"
            + " tokens, cost, from the session's events): ISO-8601 duration or whole seconds; unset or 0 = never.")
    private String progressInterval;

    private final Map<String, ServerConnection> connections = new ConcurrentHashMap<>();
    private final List<AutoCloseable> closeWithComponent = new ArrayList<>();
    private volatile ManagedOpenCodeServer managedServer;
    private ScheduledExecutorService progressLogger;

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
     * The shared connection for an endpoint's server, starting the managed server on first use
     * when the configuration names no server.
     *
     * @param endpointConfiguration the endpoint's options
     * @return the shared client and dispatcher
     */
    ServerConnection connectionFor(OpenCodeConfiguration endpointConfiguration) {
        ServerEndpoint server = serverEndpointFor(endpointConfiguration);
        String key = server.baseUri() + "|" + server.username() + "|" + (server.hasPassword() ? server.password().hashCode() : 0);
        return connections.computeIfAbsent(key, ignored -> {
            ClientOptions clientOptions = new ClientOptions(Duration.ofSeconds(5),
                    Durations.parsePositive(endpointConfiguration.getRequestTimeout(), "requestTimeout"));
            OpenCodeClient client = new OpenCodeClient(server, clientOptions);
            DispatchOptions dispatchOptions = DispatchOptions.defaults()
                    .withPollInterval(Durations.parsePositive(endpointConfiguration.getPollInterval(), "pollInterval"))
                    .withServerLostTimeout(Durations.parsePositive(endpointConfiguration.getServerLostTimeout(), "serverLostTimeout"));
            return new ServerConnection(client, new Dispatcher(client, dispatchOptions));
        });
    }

    private ServerEndpoint serverEndpointFor(OpenCodeConfiguration endpointConfiguration) {
        String url = endpointConfiguration.getServerUrl();
        if (url != null && !url.isBlank()) {
            return ServerEndpoint.of(url, endpointConfiguration.getUsername(), endpointConfiguration.getPassword());
        }
        ManagedOpenCodeServer server = managedServer();
        return ServerEndpoint.of(server.baseUri().toString(), server.username(), server.password());
    }

    /**
     * The managed server, started on first call.
     *
     * @return the running managed server
     * @throws org.camelopencode.server.ManagedServerException when it cannot start (the message
     *     names the log file)
     */
    public synchronized ManagedOpenCodeServer managedServer() {
        if (managedServer == null) {
            ManagedServerOptions.Builder options = ManagedServerOptions.builder()
                    .binary(OpenCodeBinary.locate(binary))
                    .startTimeout(Durations.parsePositive(managedStartTimeout, "managedStartTimeout"));
            if (managedConfig != null && !managedConfig.isBlank()) {
                options.configJson(managedConfig);
            }
            if (managedStateDirectory != null && !managedStateDirectory.isBlank()) {
                options.stateDirectory(Path.of(managedStateDirectory).toAbsolutePath());
            }
            if (managedProjectDirectory != null && !managedProjectDirectory.isBlank()) {
                options.projectDirectory(Path.of(managedProjectDirectory).toAbsolutePath());
            }
            managedServer = ManagedOpenCodeServer.start(options.build());
            LOG.info("Started managed OpenCode {} at {} (pid {}, log {})", managedServer.version(), managedServer.baseUri(),
                    managedServer.pid(), managedServer.logFile());
        }
        return managedServer;
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
        if (progressInterval != null && !progressInterval.isBlank() && !"0".equals(progressInterval.strip())) {
            long millis = Durations.parsePositive(progressInterval, "progressInterval").toMillis();
            progressLogger = getCamelContext().getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "OpenCodeProgress");
            progressLogger.scheduleWithFixedDelay(this::logProgress, millis, millis, TimeUnit.MILLISECONDS);
        }
    }

    private void logProgress() {
        connections.values().forEach(connection -> connection.dispatcher().progress()
                .forEach(progress -> LOG.info("Progress: {}", progress.describe())));
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
            if (managedServer != null) {
                managedServer.close();
                managedServer = null;
            }
            for (AutoCloseable resource : closeWithComponent) {
                try {
                    resource.close();
                } catch (Exception failure) {
                    LOG.warn("Closing {} failed: {}", resource, failure.getMessage());
                }
            }
            closeWithComponent.clear();
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

    /** @return the progress log interval, or {@code null} when off */
    public String getProgressInterval() {
        return progressInterval;
    }

    /** @param progressInterval ISO-8601 duration or whole seconds; unset or 0 = no progress lines */
    public void setProgressInterval(String progressInterval) {
        this.progressInterval = progressInterval;
    }
}
