package org.camelopencode.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How to start a {@link ManagedOpenCodeServer}. Build with {@link #builder()}.
 *
 * @param binary           the {@code opencode} executable (default {@link OpenCodeBinary#locate(String)} with null)
 * @param stateDirectory   private HOME/XDG root and log location (default: a new temporary directory)
 * @param projectDirectory the server's working directory, i.e. the project the agents work in (default
 *                         {@code stateDirectory/project}, created)
 * @param hostname         interface to bind (default {@code 127.0.0.1})
 * @param port             TCP port, 0 picks one (default 0; OpenCode then tries 4096 first)
 * @param username         Basic-auth user (default {@code opencode})
 * @param startTimeout     how long to wait for a healthy server (default 60 s)
 * @param configJson       OpenCode configuration JSON for {@code OPENCODE_CONFIG_CONTENT} (default
 *                         {@code new OpenCodeConfig().toJson()})
 * @param environment      extra environment variables, e.g. provider API keys (default none); they win over the
 *                         defaults except the password and username
 * @param password         a fixed Basic-auth password, or null (the default) to generate a new one per start; fix it
 *                         when a restarted server must accept the clients of the previous one (never logged)
 * @param logSizeLimit     cap of {@code opencode-server.log} in bytes: past it the file is renamed to
 *                         {@code opencode-server.log.1} (replacing the previous one) and a new one starts; 0 = no cap
 *                         (default {@link #DEFAULT_LOG_SIZE_LIMIT})
 */
public record ManagedServerOptions(
        Path binary,
        Path stateDirectory,
        Path projectDirectory,
        String hostname,
        int port,
        String username,
        Duration startTimeout,
        String configJson,
        Map<String, String> environment,
        String password,
        long logSizeLimit) {

    /** Default cap of the server log: 10 MiB (plus one rotated file of the same size). */
    public static final long DEFAULT_LOG_SIZE_LIMIT = 10L * 1024 * 1024;

    /** Validates; all components are required (use the builder for defaults). */
    public ManagedServerOptions {
        Objects.requireNonNull(binary, "binary");
        Objects.requireNonNull(stateDirectory, "stateDirectory");
        Objects.requireNonNull(projectDirectory, "projectDirectory");
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(startTimeout, "startTimeout");
        Objects.requireNonNull(configJson, "configJson");
        environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
        if (password != null && password.isBlank()) {
            throw new IllegalArgumentException("password must not be blank (null = generate one)");
        }
        if (logSizeLimit < 0) {
            throw new IllegalArgumentException("logSizeLimit must be 0 (no cap) or positive, got " + logSizeLimit);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        if (startTimeout.isNegative() || startTimeout.isZero()) {
            throw new IllegalArgumentException("startTimeout must be positive, got " + startTimeout);
        }
    }

    /** @return a builder with the documented defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** Never shows environment values or the configuration (they may hold API keys). */
    @Override
    public String toString() {
        return "ManagedServerOptions[binary=" + binary + ", stateDirectory=" + stateDirectory + ", projectDirectory="
                + projectDirectory + ", hostname=" + hostname + ", port=" + port + ", username=" + username
                + ", startTimeout=" + startTimeout + ", configJson=<" + configJson.length() + " chars>, environment="
                + environment.keySet() + ", password=" + (password == null ? "generated" : "fixed") + ", logSizeLimit=" + logSizeLimit + "]";
    }

    /** Builder of {@link ManagedServerOptions}; unset values get the defaults at {@link #build()}. */
    public static final class Builder {
        private Path binary;
        private Path stateDirectory;
        private Path projectDirectory;
        private String hostname = "127.0.0.1";
        private int port;
        private String username = "opencode";
        private Duration startTimeout = Duration.ofSeconds(60);
        private String configJson;
        private final Map<String, String> environment = new LinkedHashMap<>();
        private String password;
        private long logSizeLimit = DEFAULT_LOG_SIZE_LIMIT;

        private Builder() {
        }

        /** @param logSizeLimit cap of the server log in bytes, 0 = none @return this */
        public Builder logSizeLimit(long logSizeLimit) {
            this.logSizeLimit = logSizeLimit;
            return this;
        }

        /**
         * @param password a fixed Basic-auth password (for restarting a server its clients already know), null =
         *                 generate one per start
         * @return this
         */
        public Builder password(String password) {
            this.password = password;
            return this;
        }

        /** @param binary the opencode executable @return this */
        public Builder binary(Path binary) {
            this.binary = binary;
            return this;
        }

        /** @param stateDirectory private state root @return this */
        public Builder stateDirectory(Path stateDirectory) {
            this.stateDirectory = stateDirectory;
            return this;
        }

        /** @param projectDirectory the server's working directory @return this */
        public Builder projectDirectory(Path projectDirectory) {
            this.projectDirectory = projectDirectory;
            return this;
        }

        /** @param hostname interface to bind @return this */
        public Builder hostname(String hostname) {
            this.hostname = hostname;
            return this;
        }

        /** @param port TCP port, 0 = free @return this */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** @param username Basic-auth user @return this */
        public Builder username(String username) {
            this.username = username;
            return this;
        }

        /** @param startTimeout how long to wait for health @return this */
        public Builder startTimeout(Duration startTimeout) {
            this.startTimeout = startTimeout;
            return this;
        }

        /** @param configJson OpenCode config JSON @return this */
        public Builder configJson(String configJson) {
            this.configJson = configJson;
            return this;
        }

        /** @param config OpenCode config builder, rendered now @return this */
        public Builder config(OpenCodeConfig config) {
            this.configJson = config.toJson();
            return this;
        }

        /** @param name variable name @param value its value @return this */
        public Builder environment(String name, String value) {
            environment.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** @param variables variables to add @return this */
        public Builder environment(Map<String, String> variables) {
            variables.forEach(this::environment);
            return this;
        }

        /**
         * Applies the defaults: locates the binary, creates a temporary state directory and the project directory.
         *
         * @return the options
         * @throws IllegalStateException when no binary is set and none is found
         * @throws UncheckedIOException  when a directory cannot be created
         */
        public ManagedServerOptions build() {
            try {
                Path state = stateDirectory != null ? stateDirectory : Files.createTempDirectory("opencode-managed-");
                Path project = projectDirectory != null ? projectDirectory : state.resolve("project");
                Files.createDirectories(project);
                return new ManagedServerOptions(binary != null ? binary : OpenCodeBinary.locate(null), state, project,
                        hostname, port, username, startTimeout,
                        configJson != null ? configJson : new OpenCodeConfig().toJson(), environment, password, logSizeLimit);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the managed server directories", e);
            }
        }
    }
}
