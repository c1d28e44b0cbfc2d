package org.camelopencode.server;


import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code opencode serve} process owned by this JVM: isolated state (private HOME and XDG directories under the
 * state directory), a generated Basic-auth password, offline flags and a given configuration.
 * <p>Start with {@link #start(ManagedServerOptions)}; stop with {@link #close()} (a JVM shutdown hook stops it too).
 * Output (stdout and stderr) goes to {@code stateDirectory/opencode-server.log} with the password redacted, capped at
 * {@link ManagedServerOptions#logSizeLimit()} (then renamed to {@code opencode-server.log.1}, one previous file kept);
 * OpenCode's own log is under {@code stateDirectory/home/.local/share/opencode/log/}. The process id is written to
 * {@code stateDirectory/opencode-server.pid} while it runs.
 */
public final class ManagedOpenCodeServer implements RunningServer {

    /** Log file name under the state directory. */
    public static final String LOG_FILE_NAME = "opencode-server.log";
    /** File under the state directory holding the process id while the server runs (removed by {@link #close()}). */
    public static final String PID_FILE_NAME = "opencode-server.pid";

    private static final Pattern LISTENING = Pattern.compile("opencode server listening on (http://\\S+)");
    private static final String REDACTED = "<redacted>";
    private static final int LOG_TAIL_LINES = 30;
    private static final long STOP_GRACE_MILLIS = 5000;
    private static final Duration HEALTH_WAIT_TIMEOUT = Duration.ofSeconds(5);

    private final Process process;
    private final URI baseUri;
    private final String username;
    private final String password;
    private final Path logFile;
    private final Path projectDirectory;
    private final Path pidFile;
    private final String version;
    private final Thread shutdownHook;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ManagedOpenCodeServer(Process process, URI baseUri, ManagedServerOptions options, String password,
                                  Path logFile, String version) {
        this.process = process;
        this.baseUri = baseUri;
        this.username = options.username();
        this.password = password;
        this.logFile = logFile;
        this.projectDirectory = options.projectDirectory();
        this.pidFile = options.stateDirectory().resolve(PID_FILE_NAME);
        this.version = version;
        this.shutdownHook = new Thread(this::stopProcessTree, "opencode-server-shutdown-" + process.pid());
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Starts {@code opencode serve --hostname H --port P} in the project directory, reads the actual port from its
     * {@code opencode server listening on http://...} line, then polls {@code GET /global/health} (Basic auth) until it
     * answers {@code {"healthy":true,...}}.
     *
     * @param options how to start it
     * @return the healthy server
     * @throws ManagedServerException when the process cannot start, exits, or is not healthy within
     *                                {@link ManagedServerOptions#startTimeout()}; the process is stopped and the message
     *                                holds the log path and last log lines (password redacted)
     */
    public static ManagedOpenCodeServer start(ManagedServerOptions options) {
        String password = options.password() != null ? options.password() : generatePassword();
        Path logFile = options.stateDirectory().resolve(LOG_FILE_NAME);
        long deadline = System.nanoTime() + options.startTimeout().toNanos();
        Process process;
        try {
            Files.createDirectories(options.projectDirectory());
            ProcessBuilder builder = new ProcessBuilder(options.binary().toString(), "serve",
                    "--hostname", options.hostname(), "--port", Integer.toString(options.port()))
                    .directory(options.projectDirectory().toFile())
                    .redirectErrorStream(true);
            prepareEnvironment(builder.environment(), options, password);
            process = builder.start();
        } catch (IOException e) {
            throw new ManagedServerException("cannot start " + options.binary() + " serve: " + e.getMessage(), e);
        }
        CompletableFuture<URI> listening = new CompletableFuture<>();
        startLogPump(process, logFile, options.logSizeLimit(), password, listening);
        try {
            URI baseUri = awaitListening(process, listening, deadline);
            String version = awaitHealthy(process, baseUri, options.username(), password, deadline);
            ManagedOpenCodeServer server = new ManagedOpenCodeServer(process, baseUri, options, password, logFile, version);
            server.writePidFile();
            return server;
        } catch (RuntimeException failure) {
            ProcessTree.stop(process.toHandle(), STOP_GRACE_MILLIS);
            throw new ManagedServerException(failure.getMessage() + "; log " + logFile + ", last lines:\n"
                    + logTail(logFile, password), failure);
        }
    }

    /** @return the server's base URL, e.g. {@code http://127.0.0.1:4096} (no trailing slash) */
    @Override
    public URI baseUri() {
        return baseUri;
    }

    /** @return the Basic-auth user name */
    @Override
    public String username() {
        return username;
    }

    /** @return the Basic-auth password, generated unless {@link ManagedServerOptions#password()} fixed it (never logged) */
    @Override
    public String password() {
        return password;
    }

    /** @return the value of an {@code Authorization} header for this server ({@code Basic ...}) */
    public String authorizationHeader() {
        return basicAuthorization(username, password);
    }

    /** @return the operating-system process id of {@code opencode serve} */
    @Override
    public long pid() {
        return process.pid();
    }

    /** @return completes with the exit code when the {@code opencode serve} process ends, for whatever reason */
    @Override
    public CompletableFuture<Integer> onExit() {
        return process.onExit().thenApply(Process::exitValue);
    }

    /** @return the file holding the process id while the server runs */
    public Path pidFile() {
        return pidFile;
    }

    /** @return the log file holding the server's stdout and stderr */
    public Path logFile() {
        return logFile;
    }

    /** @return the server's working directory */
    public Path projectDirectory() {
        return projectDirectory;
    }

    /** @return the version reported by {@code GET /global/health}, e.g. {@code 1.18.33} */
    @Override
    public String version() {
        return version;
    }

    /** @return whether the server process is still running */
    @Override
    public boolean isAlive() {
        return process.isAlive();
    }

    /** Stops the process and all its descendants (TERM, up to ~5 s, then KILL); idempotent. */
    @Override
    public void close() {
        stopProcessTree();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is exiting: the hook runs anyway and finds nothing to do
        }
    }

    @Override
    public String toString() {
        return "ManagedOpenCodeServer[" + baseUri + ", pid=" + process.pid() + ", version=" + version + ", user="
                + username + ", alive=" + process.isAlive() + "]";
    }

    private void stopProcessTree() {
        if (closed.compareAndSet(false, true)) {
            ProcessTree.stop(process.toHandle(), STOP_GRACE_MILLIS);
            try {
                Files.deleteIfExists(pidFile);
            } catch (IOException e) {
                // a stale PID file names a process that is gone: harmless
            }
        }
    }

    private void writePidFile() {
        try {
            Files.writeString(pidFile, process.pid() + System.lineSeparator(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            // the PID file is for operators; the server runs without it
        }
    }

    static String basicAuthorization(String username, String password) {
        return HttpHealthProbe.basicAuthorization(username, password);
    }

    private static String generatePassword() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static void prepareEnvironment(Map<String, String> environment, ManagedServerOptions options, String password)
            throws IOException {
        OpenCodeEnvironment.isolate(environment);
        for (Map.Entry<String, Path> directory : OpenCodeEnvironment.privateHome(options.stateDirectory()).entrySet()) {
            Files.createDirectories(directory.getValue());
            environment.put(directory.getKey(), directory.getValue().toString());
        }
        environment.put("OPENCODE_CONFIG_CONTENT", options.configJson());
        environment.putAll(options.environment());
        environment.put("OPENCODE_SERVER_USERNAME", options.username());
        environment.put("OPENCODE_SERVER_PASSWORD", password);
    }

    /** Copies the process output line by line to the log (password redacted) and spots the listening line. */
    private static void startLogPump(Process process, Path logFile, long logSizeLimit, String password,
                                     CompletableFuture<URI> listening) {
        Thread pump = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                 RotatingLog writer = new RotatingLog(logFile, logSizeLimit)) {
                String line;
                while ((line = reader.readLine()) != null) {
                    writer.writeLine(redact(line, password));
                    Matcher matcher = LISTENING.matcher(line);
                    if (!listening.isDone() && matcher.find()) {
                        listening.complete(URI.create(stripTrailingSlash(matcher.group(1))));
                    }
                }
            } catch (IOException e) {
                listening.completeExceptionally(e);
            }
            listening.completeExceptionally(new IllegalStateException("the server output ended before it listened"));
        }, "opencode-server-log-" + process.pid());
        pump.setDaemon(true);
        pump.start();
    }

    private static URI awaitListening(Process process, CompletableFuture<URI> listening, long deadline) {
        try {
            return listening.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new ManagedServerException("opencode serve printed no 'listening on' line in time");
        } catch (ExecutionException e) {
            String exit = process.isAlive() ? "" : " (exit code " + process.exitValue() + ")";
            throw new ManagedServerException("opencode serve did not start listening" + exit + ": " + e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ManagedServerException("interrupted while waiting for opencode serve to listen");
        }
    }

    /** Polls {@code GET /global/health} until {@code healthy: true}; returns the reported version. */
    private static String awaitHealthy(Process process, URI baseUri, String username, String password, long deadline) {
        HttpHealthProbe probe = new HttpHealthProbe(HEALTH_WAIT_TIMEOUT);
        String lastProblem = "no answer";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new ManagedServerException("opencode serve exited with code " + process.exitValue() + " before it was healthy");
            }
            HealthProbe.HealthAnswer answer = probe.check(baseUri, username, password);
            if (answer.healthy()) {
                return answer.version();
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new ManagedServerException("interrupted while waiting for opencode serve to be healthy");
            }
            lastProblem = answer.problem();
            pause(Duration.ofMillis(100));
        }
        throw new ManagedServerException("opencode serve was not healthy in time (" + lastProblem + ")");
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis()); // polling interval of the health wait, not a test condition
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ManagedServerException("interrupted while waiting for opencode serve to be healthy");
        }
    }

    private static String logTail(Path logFile, String password) {
        try {
            List<String> lines = Files.exists(logFile) ? Files.readAllLines(logFile, StandardCharsets.UTF_8) : List.of();
            List<String> tail = new ArrayList<>(lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
            return redact(String.join("\n", tail), password);
        } catch (IOException | UncheckedIOException e) {
            return "<log unreadable: " + e.getMessage() + ">";
        }
    }

    static String redact(String text, String password) {
        return password.isEmpty() ? text : text.replace(password, REDACTED);
    }

    private static String stripTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
