package org.camelopencode.component;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriParams;
import org.camelopencode.client.ServerEndpoint;
import org.camelopencode.server.ExternalServer;
import org.camelopencode.server.FleetOptions;
import org.camelopencode.server.OpenCodeBinary;
import org.camelopencode.server.RecyclePolicy;
import org.camelopencode.task.Durations;

/**
 * The component options of the fleet, used when no {@code serverUrl} is set: the managed {@code opencode serve}
 * instances (binary, config, folders, supervision, recycling) and the external {@code serverUrls}. Camel lists them as
 * component options with these names ({@code camel.component.opencode.managedInstances}, ...), label {@code managed}.
 */
@UriParams
public class ManagedFleetConfiguration {

    @UriParam(label = "managed", description = "Path of the opencode binary for the managed server; unset = the pinned install in opencode/node_modules, then PATH.")
    private String binary;
    @UriParam(label = "managed", description = "OpenCode config (JSON, as OPENCODE_CONFIG_CONTENT) for the managed server: providers, model, permissions.")
    private String managedConfig;
    @UriParam(label = "managed", description = "Folder for the managed server's private HOME, XDG folders and log; unset = a new temporary folder.")
    private String managedStateDirectory;
    @UriParam(label = "managed", description = "Working directory of the managed server: the project the agents work in; unset = a folder inside the state folder.")
    private String managedProjectDirectory;
    @UriParam(label = "managed", defaultValue = "PT60S", javaType = "java.time.Duration",
            description = "How long the managed server may take to become healthy (ISO-8601, Camel's form such as 60s, or whole seconds).")
    private Duration managedStartTimeout = Duration.ofSeconds(60);
    @UriParam(label = "managed", defaultValue = "1", description = "How many managed OpenCode servers to run when no serverUrl is set (0 = only the serverUrls).")
    private int managedInstances = 1;
    @UriParam(label = "managed", description = "External OpenCode servers to use besides the managed ones when no serverUrl is set: comma-separated base URLs"
            + " sharing the username and password options; watched, never restarted.")
    private String serverUrls;
    @UriParam(label = "managed", defaultValue = "0", description = "Most dispatches at once per server of the fleet; when all are full a dispatch waits"
            + " for a slot up to its timeout, then fails as provider_unavailable. 0 = no cap.")
    private int maxSessionsPerServer;
    @UriParam(label = "managed", defaultValue = "0", description = "Recycle (drain, then restart) a managed server after this many sessions; 0 = never.")
    private long managedRecycleAfterSessions;
    @UriParam(label = "managed", defaultValue = "0", description = "Recycle a managed server when its process tree's resident memory exceeds this"
            + " size: bytes, or a number with k, m or g (binary units), e.g. 2g; 0 = never.")
    private String managedRecycleAboveMemory = "0";
    @UriParam(label = "managed", defaultValue = "PT5M", javaType = "java.time.Duration",
            description = "How long a recycled server may finish its running sessions before it is stopped anyway (ISO-8601, Camel's form or whole seconds).")
    private Duration managedDrainTimeout = Duration.ofMinutes(5);
    @UriParam(label = "managed", defaultValue = "PT5S", javaType = "java.time.Duration",
            description = "How often the supervisor checks each server (process, GET /global/health, event heartbeat): ISO-8601, Camel's form or whole seconds.")
    private Duration managedHealthInterval = Duration.ofSeconds(5);
    @UriParam(label = "managed", defaultValue = "10m", description = "Cap of each managed server's opencode-server.log (then renamed to .log.1):"
            + " bytes or a number with k, m or g; 0 = no cap.")
    private String managedLogSizeLimit = "10m";

    /**
     * The fleet's settings.
     *
     * @param username the Basic auth user of the managed servers ({@code username} option), {@code null} for the default
     * @return the options of {@link org.camelopencode.server.OpenCodeFleet#start}; the state folder is created when
     *     {@code managedStateDirectory} is unset
     * @throws IllegalArgumentException when an option is malformed (naming it)
     * @throws UncheckedIOException when the temporary state folder cannot be created
     */
    FleetOptions fleetOptions(String username) {
        FleetOptions.Builder options = FleetOptions.builder()
                .instances(managedInstances)
                .binary(OpenCodeBinary.locate(binary))
                .username(username == null ? ServerEndpoint.DEFAULT_USERNAME : username)
                .startTimeout(Durations.requirePositive(managedStartTimeout, "managedStartTimeout"))
                .healthInterval(Durations.requirePositive(managedHealthInterval, "managedHealthInterval"))
                .drainTimeout(Durations.requirePositive(managedDrainTimeout, "managedDrainTimeout"))
                .logSizeLimit(ByteSizes.parse(managedLogSizeLimit, "managedLogSizeLimit"))
                .recyclePolicy(new RecyclePolicy(managedRecycleAfterSessions,
                        ByteSizes.parse(managedRecycleAboveMemory, "managedRecycleAboveMemory")));
        if (isSet(managedConfig)) {
            options.configJson(managedConfig);
        }
        try {
            options.stateDirectory(isSet(managedStateDirectory) ? Path.of(managedStateDirectory).toAbsolutePath()
                    : Files.createTempDirectory("opencode-fleet-"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the managed servers' state folder", e);
        }
        if (isSet(managedProjectDirectory)) {
            options.projectDirectory(Path.of(managedProjectDirectory).toAbsolutePath());
        }
        return options.build();
    }

    /**
     * @param username the external servers' Basic auth user, or {@code null}
     * @param password their password, or {@code null}
     * @return the servers of {@code serverUrls}, in order; empty when unset
     * @throws IllegalArgumentException when a URL is malformed
     */
    List<ExternalServer> externalServers(String username, String password) {
        if (!isSet(serverUrls)) {
            return List.of();
        }
        return Arrays.stream(serverUrls.split(",")).map(String::strip).filter(url -> !url.isEmpty())
                .map(url -> ServerEndpoint.of(url, username, password))
                .map(server -> new ExternalServer(server.baseUri(), server.username(), server.password(), ""))
                .toList();
    }

    /** @return the {@code managedProjectDirectory} option as an absolute path, or {@code null} when unset */
    Path projectDirectory() {
        return isSet(managedProjectDirectory) ? Path.of(managedProjectDirectory.strip()).toAbsolutePath() : null;
    }

    private static boolean isSet(String value) {
        return value != null && !value.isBlank();
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

    /** @return how long a managed server may take to become healthy */
    public Duration getManagedStartTimeout() {
        return managedStartTimeout;
    }

    /** @param managedStartTimeout how long a managed server may take to become healthy; positive */
    public void setManagedStartTimeout(Duration managedStartTimeout) {
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
    public Duration getManagedDrainTimeout() {
        return managedDrainTimeout;
    }

    /** @param managedDrainTimeout how long a recycled server may finish its sessions; positive */
    public void setManagedDrainTimeout(Duration managedDrainTimeout) {
        this.managedDrainTimeout = managedDrainTimeout;
    }

    /** @return how often each server is checked */
    public Duration getManagedHealthInterval() {
        return managedHealthInterval;
    }

    /** @param managedHealthInterval how often each server is checked; positive */
    public void setManagedHealthInterval(Duration managedHealthInterval) {
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
}
