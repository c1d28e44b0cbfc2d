package org.camelopencode.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
 * Output (stdout and stderr) goes to {@code stateDirectory/opencode-server.log} with the password redacted; OpenCode's
 * own log is under {@code stateDirectory/home/.local/share/opencode/log/}.
 */
public final class ManagedOpenCodeServer implements AutoCloseable {

    /** Log file name under the state directory. */
    public static final String LOG_FILE_NAME = "opencode-server.log";

    private static final Pattern LISTENING = Pattern.compile("opencode server listening on (http://\\S+)");
    private static final String REDACTED = "<redacted>";
    private static final int LOG_TAIL_LINES = 30;
    private static final long STOP_GRACE_MILLIS = 5000;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Process process;
    private final URI baseUri;
    private final String username;
    private final String password;
    private final Path logFile;
    private final Path projectDirectory;
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
        startLogPump(process, logFile, password, listening);
        try {
            URI baseUri = awaitListening(process, listening, deadline);
            String version = awaitHealthy(process, baseUri, options.username(), password, deadline);
            return new ManagedOpenCodeServer(process, baseUri, options, password, logFile, version);
        } catch (RuntimeException failure) {
            ProcessTree.stop(process.toHandle(), STOP_GRACE_MILLIS);
            throw new ManagedServerException(failure.getMessage() + "; log " + logFile + ", last lines:\n"
                    + logTail(logFile, password), failure);
        }
    }

    /** @return the server's base URL, e.g. {@code http://127.0.0.1:4096} (no trailing slash) */
    public URI baseUri() {
        return baseUri;
    }

    /** @return the Basic-auth user name */
    public String username() {
        return username;
    }

    /** @return the Basic-auth password, generated unless {@link ManagedServerOptions#password()} fixed it (never logged) */
    public String password() {
        return password;
    }

    /** @return the value of an {@code Authorization} header for this server ({@code Basic ...}) */
    public String authorizationHeader() {
        return basicAuthorization(username, password);
    }

    /** @return the operating-system process id of {@code opencode serve} */
    public long pid() {
        return process.pid();
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
    public String version() {
        return version;
    }

    /** @return whether the server process is still running */
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
        }
    }

    static String basicAuthorization(String username, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static String generatePassword() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static void prepareEnvironment(Map<String, String> environment, ManagedServerOptions options, String password)
            throws IOException {
        // No OpenCode setting leaks in from the parent, but its provider key (OpenCode Zen) is the user's to pass on.
        environment.keySet().removeIf(name -> name.startsWith("OPENCODE_") && !name.equals("OPENCODE_API_KEY"));
        Path home = options.stateDirectory().resolve("home");
        Map<String, Path> directories = Map.of(
                "HOME", home,
                "XDG_CONFIG_HOME", home.resolve(".config"),
                "XDG_DATA_HOME", home.resolve(".local/share"),
                "XDG_CACHE_HOME", home.resolve(".cache"),
                "XDG_STATE_HOME", home.resolve(".local/state"));
        for (Map.Entry<String, Path> directory : directories.entrySet()) {
            Files.createDirectories(directory.getValue());
            environment.put(directory.getKey(), directory.getValue().toString());
        }
        environment.put("OPENCODE_DISABLE_MODELS_FETCH", "1");
        environment.put("OPENCODE_DISABLE_AUTOUPDATE", "1");
        environment.put("OPENCODE_DISABLE_SHARE", "1");
        environment.put("OPENCODE_DISABLE_LSP_DOWNLOAD", "1");
        environment.put("OPENCODE_CONFIG_CONTENT", options.configJson());
        environment.putAll(options.environment());
        environment.put("OPENCODE_SERVER_USERNAME", options.username());
        environment.put("OPENCODE_SERVER_PASSWORD", password);
    }

    /** Copies the process output line by line to the log (password redacted) and spots the listening line. */
    private static void startLogPump(Process process, Path logFile, String password, CompletableFuture<URI> listening) {
        Thread pump = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                 BufferedWriter writer = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8,
                         StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
                String line;
                while ((line = reader.readLine()) != null) {
                    writer.write(redact(line, password));
                    writer.newLine();
                    writer.flush();
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
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build(); // opencode serve speaks HTTP/1.1 only
        HttpRequest request = HttpRequest.newBuilder(baseUri.resolve("/global/health"))
                .header("Authorization", basicAuthorization(username, password))
                .timeout(Duration.ofSeconds(5)).GET().build();
        String lastProblem = "no answer";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new ManagedServerException("opencode serve exited with code " + process.exitValue() + " before it was healthy");
            }
            try {
                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    JsonNode health = MAPPER.readTree(response.body());
                    if (health.path("healthy").asBoolean(false)) {
                        return health.path("version").asText("");
                    }
                }
                lastProblem = "GET /global/health answered " + response.statusCode() + ": " + abbreviate(response.body());
            } catch (IOException e) {
                lastProblem = "GET /global/health failed: " + e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ManagedServerException("interrupted while waiting for opencode serve to be healthy");
            }
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

    private static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }

    private static String stripTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
