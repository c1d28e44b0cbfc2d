package org.camelopencode.cli;

import java.nio.file.Path;
import java.util.Objects;
import org.camelopencode.client.ServerEndpoint;

/**
 * How the CLI transport runs {@code opencode run --format json}: the same for every attempt of a {@link CliDispatcher}.
 *
 * @param binary the {@code opencode} executable (see {@code OpenCodeBinary.locate})
 * @param workingDirectory the project the agent works in: the process's working directory, {@code PWD} and
 *     {@code --dir}; skill folders are linked into its {@code .opencode/skills}
 * @param configJson OpenCode config JSON passed as {@code OPENCODE_CONFIG_CONTENT} (providers, model, permissions),
 *     or null to use the user's own config files; may hold API keys, so {@link #toString()} never shows it
 * @param stateDirectory a folder for a private {@code HOME} and {@code XDG_*} folders (isolated sessions, auth and
 *     caches), or null to run with the user's own (their {@code opencode auth login} credentials)
 * @param attach the server to attach to with {@code --attach} (its password goes in the environment as
 *     {@code OPENCODE_SERVER_PASSWORD}, never on the command line), or null for a standalone run
 * @param maxConcurrentRuns how many {@code opencode run} processes may run at once (each holds a few hundred MB);
 *     further attempts wait, their deadline running
 */
public record CliOptions(Path binary, Path workingDirectory, String configJson, Path stateDirectory, ServerEndpoint attach,
        int maxConcurrentRuns) {

    /** Default of {@link #maxConcurrentRuns}. */
    public static final int DEFAULT_MAX_CONCURRENT_RUNS = 4;

    /** Validates the fields; see the record description. */
    public CliOptions {
        Objects.requireNonNull(binary, "binary");
        Objects.requireNonNull(workingDirectory, "workingDirectory");
        workingDirectory = workingDirectory.toAbsolutePath().normalize();
        if (configJson != null && configJson.isBlank()) {
            configJson = null;
        }
        if (maxConcurrentRuns < 1) {
            throw new IllegalArgumentException("maxConcurrentRuns must be at least 1, was " + maxConcurrentRuns);
        }
    }

    /**
     * @param binary the executable
     * @param workingDirectory the project directory
     * @return standalone runs with the user's own config and state, {@value #DEFAULT_MAX_CONCURRENT_RUNS} at once
     */
    public static CliOptions of(Path binary, Path workingDirectory) {
        return new CliOptions(binary, workingDirectory, null, null, null, DEFAULT_MAX_CONCURRENT_RUNS);
    }

    /** @param json OpenCode config JSON, or null; @return a copy with it */
    public CliOptions withConfigJson(String json) {
        return new CliOptions(binary, workingDirectory, json, stateDirectory, attach, maxConcurrentRuns);
    }

    /** @param directory the private state folder, or null; @return a copy with it */
    public CliOptions withStateDirectory(Path directory) {
        return new CliOptions(binary, workingDirectory, configJson, directory, attach, maxConcurrentRuns);
    }

    /** @param server the server to attach to, or null for standalone runs; @return a copy with it */
    public CliOptions withAttach(ServerEndpoint server) {
        return new CliOptions(binary, workingDirectory, configJson, stateDirectory, server, maxConcurrentRuns);
    }

    /** @param directory the project directory of one run (a task's own directory); @return a copy working there */
    public CliOptions withWorkingDirectory(Path directory) {
        return new CliOptions(binary, directory, configJson, stateDirectory, attach, maxConcurrentRuns);
    }

    /** @param runs at least 1; @return a copy with that many concurrent runs */
    public CliOptions withMaxConcurrentRuns(int runs) {
        return new CliOptions(binary, workingDirectory, configJson, stateDirectory, attach, runs);
    }

    /** @return the options without the config's content (it may hold API keys) and without the attach password */
    @Override
    public String toString() {
        return "CliOptions[binary=" + binary + ", workingDirectory=" + workingDirectory + ", config="
                + (configJson == null ? "none" : configJson.length() + " chars") + ", stateDirectory=" + stateDirectory
                + ", attach=" + attach + ", maxConcurrentRuns=" + maxConcurrentRuns + "]";
    }
}
