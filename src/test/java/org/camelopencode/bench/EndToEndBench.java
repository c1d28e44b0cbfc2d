package org.camelopencode.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Writer;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.camelopencode.cli.CliCommand;
import org.camelopencode.cli.CliOptions;
import org.camelopencode.cli.CliTaskOptions;
import org.camelopencode.client.ClientOptions;
import org.camelopencode.client.OpenCodeClient;
import org.camelopencode.client.ServerEndpoint;
import org.camelopencode.dispatch.CompletionGate;
import org.camelopencode.dispatch.DispatchRequest;
import org.camelopencode.server.ManagedOpenCodeServer;
import org.camelopencode.server.ManagedServerOptions;
import org.camelopencode.server.OpenCodeBinary;
import org.camelopencode.server.OpenCodeConfig;
import org.camelopencode.server.ProcessMemory;
import org.camelopencode.testkit.ScriptedModelServer;

/**
 * Row 1: wall time per task on one real {@code opencode serve} (the pinned binary) whose model is the instant scripted
 * model, for three contenders given the same prompt in turn, interleaved (the order rotates every round): this
 * component ({@link EndToEndWorker} {@code component}), a plain JDK {@code HttpClient} loop ({@link EndToEndWorker}
 * {@code http}) and {@code opencode run --format json --attach} (one process per task, prompt on standard input).
 * The two JVM contenders run in child JVMs started with the same flags, so that each one's peak memory is its own.
 */
final class EndToEndBench {

    static final String MODEL = "scripted/echo";
    private static final List<String> CONTENDERS = List.of("component", "http", "cli");
    private static final String JVM_HEAP = "-Xmx256m";

    /** Peak memory of a contender in bytes: resident set (VmHWM) and, for the JVMs, heap pools' peak use. */
    record Memory(long peakResidentBytes, long peakHeapBytes) {
    }

    /** Wall times in milliseconds; CLI memory per process (resident peak in bytes, one sample per measured task). */
    record Result(String version, Stats component, Stats plainHttp, Stats cli, Memory componentMemory, Memory plainHttpMemory,
            Stats cliPeakResident, int cliTextMissing, Stats pairedRatio) {
    }

    static Result run(int warmUp, int measured) throws Exception {
        Path state = Files.createTempDirectory("bench-end-to-end-");
        try (ScriptedModelServer model = ScriptedModelServer.start()) {
            OpenCodeConfig config = new OpenCodeConfig().scriptedProvider("scripted", model.baseUri(), "echo")
                    .model(MODEL).smallModel(MODEL);
            try (ManagedOpenCodeServer server = ManagedOpenCodeServer.start(ManagedServerOptions.builder()
                    .binary(OpenCodeBinary.locate(null)).stateDirectory(state.resolve("server"))
                    .startTimeout(Duration.ofSeconds(90)).config(config).build());
                    Worker component = new Worker("component", server, state);
                    Worker plainHttp = new Worker("http", server, state);
                    CliContender cli = new CliContender(server, config, state)) {
                List<Double> componentTimes = new ArrayList<>();
                List<Double> plainHttpTimes = new ArrayList<>();
                List<Double> cliTimes = new ArrayList<>();
                List<Double> cliMemory = new ArrayList<>();
                List<Double> pairedRatios = new ArrayList<>(); // component / plain HTTP of the same round: same server state
                for (int round = 0; round < warmUp + measured; round++) {
                    String prompt = "Benchmark task " + round + ": answer in one line.";
                    StringBuilder line = new StringBuilder();
                    for (int turn = 0; turn < CONTENDERS.size(); turn++) {
                        String contender = CONTENDERS.get((round + turn) % CONTENDERS.size());
                        double millis;
                        switch (contender) {
                            case "component" -> componentTimes.add(millis = component.dispatch(round, prompt));
                            case "http" -> plainHttpTimes.add(millis = plainHttp.dispatch(round, prompt));
                            default -> {
                                CliContender.Run run = cli.dispatch(prompt);
                                cliTimes.add(millis = run.millis());
                                cliMemory.add((double) run.peakResidentBytes());
                            }
                        }
                        line.append(String.format(" %s %.1f ms", contender, millis));
                    }
                    if (round >= warmUp) {
                        pairedRatios.add(componentTimes.get(componentTimes.size() - 1) / plainHttpTimes.get(plainHttpTimes.size() - 1));
                    }
                    if (round < warmUp) { // warm-up figures are dropped
                        componentTimes.remove(componentTimes.size() - 1);
                        plainHttpTimes.remove(plainHttpTimes.size() - 1);
                        cliTimes.remove(cliTimes.size() - 1);
                        cliMemory.remove(cliMemory.size() - 1);
                    }
                    System.out.printf("  row1 round %d%s:%s%n", round + 1, round < warmUp ? " (warm-up)" : "", line);
                }
                return new Result(server.version(), new Stats(componentTimes), new Stats(plainHttpTimes), new Stats(cliTimes),
                        component.memory(), plainHttp.memory(), new Stats(cliMemory), cli.textMissing(), new Stats(pairedRatios));
            }
        } finally {
            deleteQuietly(state);
        }
    }

    /** A contender in a child JVM speaking {@link EndToEndWorker}'s protocol. */
    private static final class Worker implements AutoCloseable {

        private final String mode;
        private final Process process;
        private final BufferedReader output;
        private final Writer input;

        Worker(String mode, ManagedOpenCodeServer server, Path state) throws IOException, InterruptedException {
            this.mode = mode;
            String java = ProcessHandle.current().info().command().orElse("java");
            ProcessBuilder builder = new ProcessBuilder(java, JVM_HEAP, "-cp", System.getProperty("java.class.path"),
                    EndToEndWorker.class.getName(), mode, server.baseUri().toString(), server.username(), MODEL);
            builder.environment().put(EndToEndWorker.PASSWORD_VARIABLE, server.password());
            builder.redirectError(state.resolve(mode + "-worker.err").toFile());
            process = builder.start();
            output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            input = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            String ready = next();
            if (!ready.equals("ready")) {
                throw new IllegalStateException(mode + " worker did not start: " + ready);
            }
        }

        double dispatch(int index, String prompt) throws IOException, InterruptedException {
            send("task " + index + " " + prompt);
            String answer = next();
            String[] fields = answer.split(" ", 3);
            if (!fields[0].equals("ok") || !fields[1].equals(Integer.toString(index))) {
                throw new IllegalStateException(mode + " task " + index + " failed: " + answer);
            }
            return Long.parseLong(fields[2]) / 1e6;
        }

        Memory memory() throws IOException, InterruptedException {
            send("memory");
            String[] fields = next().split(" ");
            return new Memory(Long.parseLong(fields[1]), Long.parseLong(fields[2]));
        }

        private void send(String line) throws IOException {
            input.write(line + "\n");
            input.flush();
        }

        private String next() throws IOException, InterruptedException {
            for (String line = output.readLine(); line != null; line = output.readLine()) {
                if (line.startsWith(EndToEndWorker.PREFIX)) {
                    return line.substring(EndToEndWorker.PREFIX.length());
                }
            }
            throw new IllegalStateException(mode + " worker ended early (exit " + process.waitFor(5, TimeUnit.SECONDS) + ")");
        }

        @Override
        public void close() throws Exception {
            input.close();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    /** {@code opencode run --format json --attach}, one process per task, prompt on standard input. */
    private static final class CliContender implements AutoCloseable {

        record Run(double millis, long peakResidentBytes) {
        }

        private static final ObjectMapper JSON = new ObjectMapper();

        private final CliOptions options;
        private final ManagedOpenCodeServer server;
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        private final OpenCodeClient client;
        private int textMissing;
        private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "bench-cli-memory");
            thread.setDaemon(true);
            return thread;
        });

        CliContender(ManagedOpenCodeServer server, OpenCodeConfig config, Path state) {
            this.server = server;
            options = CliOptions.of(OpenCodeBinary.locate(null), server.projectDirectory())
                    .withConfigJson(config.toJson()).withStateDirectory(state.resolve("cli"))
                    .withAttach(ServerEndpoint.of(server.baseUri().toString(), server.username(), server.password()));
            client = new OpenCodeClient(options.attach(), ClientOptions.defaults());
        }

        Run dispatch(String prompt) throws Exception {
            DispatchRequest request = DispatchRequest.of(prompt, Duration.ofSeconds(60)).withModel(MODEL);
            ProcessBuilder builder = new ProcessBuilder(CliCommand.arguments(options, request, CliTaskOptions.NONE, null))
                    .directory(options.workingDirectory().toFile()).redirectError(ProcessBuilder.Redirect.DISCARD);
            CliCommand.prepareEnvironment(builder.environment(), options);
            long startedAtMillis = System.currentTimeMillis();
            long start = System.nanoTime();
            Process process = builder.start();
            AtomicLong peak = new AtomicLong();
            // VmHWM only grows, and /proc/<pid> is gone after the exit: the last sample is the peak up to ~5 ms before it
            ScheduledFuture<?> sampling = sampler.scheduleAtFixedRate(
                    () -> peak.accumulateAndGet(ProcessMemory.peakResidentBytesOfTree(process.pid()), Math::max), 0, 5, TimeUnit.MILLISECONDS);
            try (OutputStream stdin = process.getOutputStream()) {
                stdin.write(CliCommand.prompt(request).getBytes(StandardCharsets.UTF_8));
            }
            StringBuilder reply = new StringBuilder();
            String sessionId = null;
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    JsonNode event = JSON.readTree(line);
                    sessionId = event.path("sessionID").asText(sessionId);
                    if (event.path("type").asText().equals("text")) {
                        reply.append(event.path("part").path("text").asText());
                    }
                }
            }
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("opencode run did not end within 60 s");
            }
            sampling.cancel(false);
            if (process.exitValue() != 0) {
                throw new IllegalStateException("opencode run exited " + process.exitValue());
            }
            if (sessionId == null) {
                sessionId = newestSessionSince(startedAtMillis);
            }
            if (reply.isEmpty()) {
                // An attached run of 1.18.33 may exit before printing the turn's text: what a caller then has to do is
                // wait for the session to be idle and read its messages, so that is part of the CLI's time.
                textMissing++;
                reply.append(replyFromServer(sessionId));
            }
            long nanos = System.nanoTime() - start;
            if (!reply.toString().equals(EndToEndWorker.expectedReply(prompt))) {
                throw new IllegalStateException("opencode run's session " + sessionId + " ended with reply '" + reply + "'");
            }
            return new Run(nanos / 1e6, peak.get());
        }

        /** @return the runs whose standard output lacked the reply (read from the server instead) */
        int textMissing() {
            return textMissing;
        }

        /** Reads {@code GET /session}: the run printed nothing, so its session is the one created after it started. */
        private String newestSessionSince(long startedAtMillis) throws Exception {
            JsonNode newest = null;
            for (JsonNode session : get("/session")) {
                long created = session.path("time").path("created").asLong();
                if (created >= startedAtMillis && (newest == null || created > newest.path("time").path("created").asLong())) {
                    newest = session;
                }
            }
            if (newest == null) {
                throw new IllegalStateException("opencode run exited 0 without output and without creating a session");
            }
            return newest.path("id").asText();
        }

        /** Reads {@code GET /session/status} until the session is idle, then its latest assistant message's text. */
        private String replyFromServer(String sessionId) throws Exception {
            // a poll is what a CLI caller without an event stream would do
            org.awaitility.Awaitility.await("session " + sessionId + " idle after opencode run exited").atMost(Duration.ofSeconds(60))
                    .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5))
                    .until(() -> !client.sessionStatuses().containsKey(sessionId));
            return CompletionGate.latestAssistant(client.messages(sessionId, null)).map(CompletionGate::textOf).orElse("");
        }

        /** {@code GET /session} is not in {@link OpenCodeClient}: the dispatcher never lists sessions. */
        private JsonNode get(String path) throws Exception {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(server.baseUri() + path))
                    .header("Authorization", server.authorizationHeader()).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET " + path + " answered " + response.statusCode());
            }
            return JSON.readTree(response.body());
        }

        @Override
        public void close() {
            client.close();
            sampler.shutdownNow();
        }
    }

    static void deleteQuietly(Path folder) {
        try (var paths = Files.walk(folder)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | RuntimeException ignored) {
            // a temporary folder left behind is harmless
        }
    }

    private EndToEndBench() {
    }
}
