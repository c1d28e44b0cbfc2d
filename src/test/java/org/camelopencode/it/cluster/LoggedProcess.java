package org.camelopencode.it.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A child process of the test (a runner, a Kafka broker, a tool) whose standard output and error go to one log file.
 * {@link #kill()} is {@code kill -9} (SIGKILL: no shutdown hook runs); {@link #close()} stops it politely, then by
 * force, and is safe to call on a process that already ended.
 */
final class LoggedProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path log;

    private LoggedProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /**
     * @param name a name for messages ({@code runner node-1}, {@code kafka})
     * @param command the command line
     * @param directory its working directory
     * @param environment variables added to the test's environment (after every {@code OPENCODE_*} and
     *     {@code *_API_KEY} variable of the test's own environment was removed)
     * @param log the file that gets its output
     * @return the started process
     * @throws UncheckedIOException when it cannot start
     */
    static LoggedProcess start(String name, List<String> command, Path directory, Map<String, String> environment, Path log) {
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(variable -> variable.startsWith("OPENCODE_") || variable.endsWith("_API_KEY"));
        builder.environment().putAll(environment);
        try {
            return new LoggedProcess(name, builder.start(), log);
        } catch (IOException failure) {
            throw new UncheckedIOException(name + " could not start: " + command, failure);
        }
    }

    /** @return the {@code java} launcher of the JVM running the tests */
    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** @return the name given at start */
    String name() {
        return name;
    }

    /** @return whether the process still runs */
    boolean alive() {
        return process.isAlive();
    }

    /** @return the process id */
    long pid() {
        return process.pid();
    }

    /**
     * {@code kill -9}: SIGKILL, then waits for the process to be gone.
     *
     * @return its exit value (137 for SIGKILL)
     * @throws IllegalStateException when it is still there after 30 s
     */
    int kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + " (pid " + process.pid() + ") survived SIGKILL for 30 s");
        }
        return process.exitValue();
    }

    /**
     * Waits for the process to end on its own.
     *
     * @param seconds the most to wait
     * @return its exit value
     * @throws IllegalStateException when it did not end in time (it is killed then)
     */
    int waitFor(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(name + " did not end within " + seconds + " s; its log:\n" + log());
        }
        return process.exitValue();
    }

    /** @return the log so far (empty when unreadable) */
    String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException unreadable) {
            return "";
        }
    }

    /** @return the last {@code lines} lines of the log, for a failure message */
    String logTail(int lines) {
        List<String> all = log().lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** Stops the process: SIGTERM and up to 20 s for its shutdown, then SIGKILL. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(20, TimeUnit.SECONDS);
            }
        } catch (InterruptedException interrupted) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
