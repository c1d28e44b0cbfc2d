package org.camelopencode.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How an {@link OpenCodeFleet} starts and supervises its managed servers. Build with {@link #builder()}.
 *
 * @param instances         managed {@code opencode serve} processes (0 = only external servers; default 1)
 * @param stateDirectory    root of the instances' private folders: instance {@code i} (from 1) uses
 *                          {@code stateDirectory/instance-i} for HOME, XDG folders, log and PID file
 * @param projectDirectory  the working directory all instances share (the project the agents work in), or null for
 *                          a private {@code project} folder per instance
 * @param binary            the {@code opencode} executable
 * @param configJson        OpenCode configuration JSON ({@code OPENCODE_CONFIG_CONTENT}); may hold keys: never logged
 * @param environment       extra environment variables for every instance (never logged)
 * @param username          Basic-auth user of every instance (each gets its own generated password)
 * @param startTimeout      how long one start may take to become healthy (default 60 s)
 * @param logSizeLimit      cap of each instance's {@code opencode-server.log} in bytes (see
 *                          {@link ManagedServerOptions#logSizeLimit()}; default 10 MiB)
 * @param healthInterval    how often the supervisor checks each instance (default 5 s)
 * @param healthTimeout     timeout of one {@code GET /global/health} (default 5 s)
 * @param unhealthyChecks   failed checks in a row after which a managed instance is restarted (default 3); one failed
 *                          check already stops new work going to it
 * @param heartbeatTimeout  an instance whose event stream saw no frame (the server sends a heartbeat every 10 s) for
 *                          this long fails its check (default 60 s)
 * @param restartBackoff    first delay before restarting a lost instance (default 1 s), doubled per failure in a row
 * @param maxRestartBackoff largest restart delay (default 30 s)
 * @param recyclePolicy     when to drain and restart a healthy instance (default never)
 * @param drainTimeout      how long a recycled instance may finish its sessions before it is stopped anyway
 *                          (default 5 min; those sessions then fail as {@code provider_unavailable})
 */
public record FleetOptions(
        int instances,
        Path stateDirectory,
        Path projectDirectory,
        Path binary,
        String configJson,
        Map<String, String> environment,
        String username,
        Duration startTimeout,
        long logSizeLimit,
        Duration healthInterval,
        Duration healthTimeout,
        int unhealthyChecks,
        Duration heartbeatTimeout,
        Duration restartBackoff,
        Duration maxRestartBackoff,
        RecyclePolicy recyclePolicy,
        Duration drainTimeout) {

    /** Validates; use the builder for defaults. */
    public FleetOptions {
        if (instances < 0) {
            throw new IllegalArgumentException("instances must be 0 or more, got " + instances);
        }
        if (unhealthyChecks < 1) {
            throw new IllegalArgumentException("unhealthyChecks must be at least 1, got " + unhealthyChecks);
        }
        Objects.requireNonNull(stateDirectory, "stateDirectory");
        Objects.requireNonNull(binary, "binary");
        Objects.requireNonNull(configJson, "configJson");
        environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(recyclePolicy, "recyclePolicy");
        for (Duration duration : new Duration[] {startTimeout, healthInterval, healthTimeout, heartbeatTimeout,
                restartBackoff, maxRestartBackoff, drainTimeout}) {
            if (duration == null || duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("fleet durations must be positive, got " + duration);
            }
        }
        new RestartBackoff(restartBackoff, maxRestartBackoff); // validates the bounds
    }

    /** @return a builder with the documented defaults */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @param index instance number from 1
     * @return how to start that instance: its private state folder, a generated password, a free port
     */
    public ManagedServerOptions serverOptions(int index) {
        Path state = instanceDirectory(index);
        ManagedServerOptions.Builder builder = ManagedServerOptions.builder().binary(binary).stateDirectory(state)
                .username(username).startTimeout(startTimeout).configJson(configJson).environment(environment)
                .logSizeLimit(logSizeLimit);
        if (projectDirectory != null) {
            builder.projectDirectory(projectDirectory);
        }
        return builder.build();
    }

    /** @param index instance number from 1 @return {@code stateDirectory/instance-<index>} */
    public Path instanceDirectory(int index) {
        return stateDirectory.resolve("instance-" + index);
    }

    /** Never shows the configuration or environment values (they may hold API keys). */
    @Override
    public String toString() {
        return "FleetOptions[instances=" + instances + ", stateDirectory=" + stateDirectory + ", projectDirectory="
                + projectDirectory + ", binary=" + binary + ", environment=" + environment.keySet() + ", username=" + username
                + ", healthInterval=" + healthInterval + ", recyclePolicy=" + recyclePolicy + "]";
    }

    /** Builder of {@link FleetOptions}. */
    public static final class Builder {
        private int instances = 1;
        private Path stateDirectory;
        private Path projectDirectory;
        private Path binary;
        private String configJson;
        private final Map<String, String> environment = new LinkedHashMap<>();
        private String username = "opencode";
        private Duration startTimeout = Duration.ofSeconds(60);
        private long logSizeLimit = ManagedServerOptions.DEFAULT_LOG_SIZE_LIMIT;
        private Duration healthInterval = Duration.ofSeconds(5);
        private Duration healthTimeout = Duration.ofSeconds(5);
        private int unhealthyChecks = 3;
        private Duration heartbeatTimeout = Duration.ofSeconds(60);
        private Duration restartBackoff = Duration.ofSeconds(1);
        private Duration maxRestartBackoff = Duration.ofSeconds(30);
        private RecyclePolicy recyclePolicy = RecyclePolicy.NEVER;
        private Duration drainTimeout = Duration.ofMinutes(5);

        private Builder() {
        }

        /** @param instances managed processes @return this */
        public Builder instances(int instances) {
            this.instances = instances;
            return this;
        }

        /** @param stateDirectory root of the private folders @return this */
        public Builder stateDirectory(Path stateDirectory) {
            this.stateDirectory = stateDirectory;
            return this;
        }

        /** @param projectDirectory shared working directory, null = one per instance @return this */
        public Builder projectDirectory(Path projectDirectory) {
            this.projectDirectory = projectDirectory;
            return this;
        }

        /** @param binary the opencode executable @return this */
        public Builder binary(Path binary) {
            this.binary = binary;
            return this;
        }

        /** @param configJson OpenCode configuration JSON @return this */
        public Builder configJson(String configJson) {
            this.configJson = configJson;
            return this;
        }

        /** @param variables extra environment variables @return this */
        public Builder environment(Map<String, String> variables) {
            environment.putAll(variables);
            return this;
        }

        /** @param username Basic-auth user @return this */
        public Builder username(String username) {
            this.username = username;
            return this;
        }

        /** @param startTimeout how long one start may take @return this */
        public Builder startTimeout(Duration startTimeout) {
            this.startTimeout = startTimeout;
            return this;
        }

        /** @param logSizeLimit log cap in bytes, 0 = none @return this */
        public Builder logSizeLimit(long logSizeLimit) {
            this.logSizeLimit = logSizeLimit;
            return this;
        }

        /** @param healthInterval check interval @return this */
        public Builder healthInterval(Duration healthInterval) {
            this.healthInterval = healthInterval;
            return this;
        }

        /** @param healthTimeout timeout of one health request @return this */
        public Builder healthTimeout(Duration healthTimeout) {
            this.healthTimeout = healthTimeout;
            return this;
        }

        /** @param unhealthyChecks failed checks in a row before a restart @return this */
        public Builder unhealthyChecks(int unhealthyChecks) {
            this.unhealthyChecks = unhealthyChecks;
            return this;
        }

        /** @param heartbeatTimeout longest silence of the event stream @return this */
        public Builder heartbeatTimeout(Duration heartbeatTimeout) {
            this.heartbeatTimeout = heartbeatTimeout;
            return this;
        }

        /** @param initial first restart delay @param maximum largest restart delay @return this */
        public Builder restartBackoff(Duration initial, Duration maximum) {
            this.restartBackoff = initial;
            this.maxRestartBackoff = maximum;
            return this;
        }

        /** @param recyclePolicy when to recycle @return this */
        public Builder recyclePolicy(RecyclePolicy recyclePolicy) {
            this.recyclePolicy = recyclePolicy;
            return this;
        }

        /** @param drainTimeout longest drain of a recycled instance @return this */
        public Builder drainTimeout(Duration drainTimeout) {
            this.drainTimeout = drainTimeout;
            return this;
        }

        /**
         * @return the options; a missing binary is located ({@link OpenCodeBinary#locate(String)}), a missing configuration
         *     is {@code new OpenCodeConfig().toJson()}
         * @throws IllegalStateException when the state directory is unset or no binary is found
         */
        public FleetOptions build() {
            if (stateDirectory == null) {
                throw new IllegalStateException("a fleet needs a state directory");
            }
            return new FleetOptions(instances, stateDirectory, projectDirectory, binary != null ? binary : OpenCodeBinary.locate(null),
                    configJson != null ? configJson : new OpenCodeConfig().toJson(), environment, username, startTimeout,
                    logSizeLimit, healthInterval, healthTimeout, unhealthyChecks, heartbeatTimeout, restartBackoff,
                    maxRestartBackoff, recyclePolicy, drainTimeout);
        }
    }
}
