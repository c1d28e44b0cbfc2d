package org.camelopencode.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.camelopencode.agent.AgentEvent;
import org.camelopencode.agent.AgentEvent.MessageText;
import org.camelopencode.agent.AgentEvent.RunResult;
import org.camelopencode.agent.AgentEvent.ToolFinished;
import org.camelopencode.agent.CliEventNormalizer;
import org.camelopencode.agent.ServerEventNormalizer;
import org.camelopencode.cli.CliCommand;
import org.camelopencode.cli.CliOptions;
import org.camelopencode.cli.CliTaskOptions;
import org.camelopencode.client.EventParser;
import org.camelopencode.client.EventRoute;
import org.camelopencode.client.GlobalEvent;
import org.camelopencode.client.MessageError;
import org.camelopencode.client.MessageUpdated;
import org.camelopencode.client.MessageWithParts;
import org.camelopencode.client.ModelReference;
import org.camelopencode.client.OpenCodeClient;
import org.camelopencode.client.OpenCodeEvent;
import org.camelopencode.client.OpenCodeJson;
import org.camelopencode.client.OpenCodeVersion;
import org.camelopencode.client.PermissionAsked;
import org.camelopencode.client.PermissionReply;
import org.camelopencode.client.PermissionRequest;
import org.camelopencode.client.PromptRequest;
import org.camelopencode.client.QuestionAsked;
import org.camelopencode.client.QuestionRequest;
import org.camelopencode.client.ServerConnected;
import org.camelopencode.client.SessionIdle;
import org.camelopencode.client.SessionStatusChanged;
import org.camelopencode.dispatch.DispatchRequest;
import org.camelopencode.server.OpenCodeBinary;
import org.camelopencode.server.OpenCodeConfig;
import org.camelopencode.testkit.Reply;
import org.camelopencode.testkit.RequestMatcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The protocol of the OpenCode version under test, recorded (issue 17): the raw frames of {@code GET /event} while
 * scripted scenarios run on the server of {@link SharedOpenCode} (a text reply, a {@code read} tool call, a {@code bash}
 * permission ask answered {@code once}, a provider 401; a question answered), and the lines of one
 * {@code opencode run --format json} (a {@code read} tool call, then text). Each scenario must show up typed in what
 * {@link EventParser}, {@link ServerEventNormalizer} and {@link CliEventNormalizer} make of the recording.
 *
 * <p>The stream is the one the client follows on that version ({@link EventRoute}: {@code global-event-*.sse} where
 * {@code /event} is broken). Written to {@code <conformance.recordings>/<version>/} (default {@code target/recordings}); the files under
 * {@code src/test/resources/recordings/<version>/} came from {@code ./conformance.sh} runs of this test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProtocolRecordingIntegrationTest {

    private static final Duration TURN = Duration.ofSeconds(90);
    private static final String FINAL_TEXT = "Recorded: alpha beta gamma.";

    private SharedOpenCode openCode;
    private OpenCodeClient client;
    private Path fixture;
    private Path output;
    /** {@code /event}, or {@code /global/event} on the versions whose {@code /event} is broken (as the client picks). */
    private EventRoute route;
    private String prefix;

    @BeforeAll
    void setUp() throws Exception {
        openCode = SharedOpenCode.get();
        client = openCode.newClient();
        fixture = openCode.server().projectDirectory().resolve("recording-fixture.txt");
        Files.writeString(fixture, "alpha beta gamma\n");
        String read = OpenCodeJson.mapper().createObjectNode().put("filePath", fixture.toString()).toString();
        openCode.model().when(RequestMatcher.promptContains("REC-TEXT")).reply(Reply.text("Recorded text reply."));
        openCode.model().when(RequestMatcher.promptContains("REC-READ")).reply(Reply.toolCall("read", read), Reply.text(FINAL_TEXT));
        openCode.model().when(RequestMatcher.promptContains("REC-BASH")).reply(
                Reply.toolCall("bash", "{\"command\":\"echo recorded\",\"description\":\"Print recorded\"}"), Reply.text("ran it"));
        openCode.model().when(RequestMatcher.promptContains("REC-AUTH")).reply(Reply.unauthorized());
        openCode.model().when(RequestMatcher.promptContains("REC-QUESTION")).reply(Reply.toolCall("question",
                "{\"questions\":[{\"question\":\"Which color?\",\"header\":\"Color\",\"options\":["
                        + "{\"label\":\"red\",\"description\":\"Red\"},{\"label\":\"blue\",\"description\":\"Blue\"}]}]}"),
                Reply.text("blue it is"));
        openCode.model().when(RequestMatcher.promptContains("REC-CLI")).reply(Reply.toolCall("read", read), Reply.text(FINAL_TEXT));
        output = Path.of(System.getProperty("conformance.recordings", "target/recordings"))
                .resolve(openCode.server().version());
        route = EventRoute.forVersion(OpenCodeVersion.parse(openCode.server().version()));
        prefix = route == EventRoute.GLOBAL_EVENT ? "global-event-" : "event-";
        Files.createDirectories(output);
    }

    @AfterAll
    void tearDown() {
        if (client != null) {
            client.close();
        }
    }

    @Test
    void recordsServerScenarios() throws Exception {
        String text;
        String read;
        String permission;
        String failing;
        List<String> frames;
        try (RawEventStream stream = RawEventStream.open(openCode, route)) {
            Map<String, String> finalMessages = new LinkedHashMap<>();
            text = createAndPrompt("REC-TEXT Say something.");
            finalMessages.put(text, awaitCompleted(text));
            read = createAndPrompt("REC-READ Read the fixture file.");
            finalMessages.put(read, awaitCompleted(read));
            permission = createAndPrompt("REC-BASH Run echo recorded.");
            PermissionRequest asked = await().atMost(TURN).until(() -> pendingPermission(permission), Objects::nonNull);
            assertThat(client.replyPermission(asked.id(), PermissionReply.ONCE, null)).isTrue();
            finalMessages.put(permission, awaitCompleted(permission));
            failing = createAndPrompt("REC-AUTH Anything.");
            finalMessages.put(failing, awaitCompleted(failing));
            frames = stream.stopWhenStreamed(finalMessages);
        }
        Files.write(output.resolve(prefix + "scenarios.sse"), frames);

        List<OpenCodeEvent> events = parse(frames);
        assertThat(events.get(0)).isInstanceOf(ServerConnected.class);
        for (String session : List.of(text, read, permission, failing)) {
            assertThat(events).as("idle of %s", session).anyMatch(event -> session.equals(event.sessionId())
                    && (event instanceof SessionIdle || event instanceof SessionStatusChanged changed && changed.status().isIdle()));
        }
        assertThat(events).filteredOn(PermissionAsked.class::isInstance).map(PermissionAsked.class::cast)
                .anySatisfy(asked -> {
                    assertThat(asked.sessionId()).isEqualTo(permission);
                    assertThat(asked.request().permission()).isEqualTo("bash");
                    assertThat(asked.request().patterns()).contains("echo recorded");
                });
        assertThat(finalErrors(events, failing)).anySatisfy(error -> {
            assertThat(error.name()).isEqualTo("APIError");
            assertThat(error.statusCode()).isEqualTo(401);
        });
        List<AgentEvent> readEvents = normalized(events, read);
        assertThat(readEvents).filteredOn(ToolFinished.class::isInstance).map(ToolFinished.class::cast).singleElement()
                .satisfies(tool -> {
                    assertThat(tool.tool()).isEqualTo("read");
                    assertThat(tool.status()).isEqualTo(ToolFinished.COMPLETED);
                    assertThat(tool.output()).contains("alpha beta gamma");
                });
        assertThat(readEvents).filteredOn(MessageText.class::isInstance).map(event -> ((MessageText) event).text())
                .containsExactly(FINAL_TEXT);
        assertThat(normalized(events, text)).filteredOn(MessageText.class::isInstance)
                .map(event -> ((MessageText) event).text()).containsExactly("Recorded text reply.");
    }

    @Test
    void recordsAQuestion() throws Exception {
        String session;
        List<String> frames;
        try (RawEventStream stream = RawEventStream.open(openCode, route)) {
            session = createAndPrompt("REC-QUESTION Ask me a color.");
            QuestionRequest asked = await().atMost(TURN).until(() -> pendingQuestion(session), Objects::nonNull);
            assertThat(client.replyQuestion(asked.id(), List.of(List.of("blue")))).isTrue();
            frames = stream.stopWhenStreamed(Map.of(session, awaitCompleted(session)));
        }
        Files.write(output.resolve(prefix + "question.sse"), frames);

        List<OpenCodeEvent> events = parse(frames);
        assertThat(events).filteredOn(QuestionAsked.class::isInstance).map(QuestionAsked.class::cast).singleElement()
                .satisfies(asked -> {
                    assertThat(asked.sessionId()).isEqualTo(session);
                    assertThat(asked.request().questions()).singleElement()
                            .satisfies(question -> assertThat(question.question()).isEqualTo("Which color?"));
                });
        assertThat(normalized(events, session)).filteredOn(MessageText.class::isInstance)
                .map(event -> ((MessageText) event).text()).containsExactly("blue it is");
    }

    /** The CLI as the CLI transport starts it ({@link CliCommand}): prompt on standard input, isolated state. */
    @Test
    void recordsACliRun() throws Exception {
        Path state = Files.createTempDirectory("recording-cli-");
        CliOptions options = CliOptions.of(OpenCodeBinary.locate(System.getProperty(OpenCodeBinary.PROPERTY)),
                        openCode.server().projectDirectory())
                .withStateDirectory(state)
                .withConfigJson(new OpenCodeConfig().scriptedProvider("scripted", openCode.model().baseUri(), "echo", "fallback")
                        .model(SharedOpenCode.MODEL).smallModel(SharedOpenCode.MODEL).permission("bash", "ask").toJson());
        DispatchRequest request = DispatchRequest.of("REC-CLI Read the fixture file.", TURN).withModel(SharedOpenCode.MODEL);
        ProcessBuilder builder = new ProcessBuilder(CliCommand.arguments(options, request, CliTaskOptions.NONE, null))
                .directory(openCode.server().projectDirectory().toFile())
                .redirectError(state.resolve("stderr.txt").toFile());
        CliCommand.prepareEnvironment(builder.environment(), options);
        Process process = builder.start();
        List<String> lines;
        try {
            try (OutputStream stdin = process.getOutputStream()) {
                stdin.write(CliCommand.prompt(request).getBytes(StandardCharsets.UTF_8));
            }
            CompletableFuture<List<String>> read = CompletableFuture.supplyAsync(() -> readLines(process.getInputStream()));
            assertThat(process.waitFor(TURN.toSeconds(), TimeUnit.SECONDS)).as("opencode run ended within %s", TURN).isTrue();
            lines = read.get(10, TimeUnit.SECONDS);
        } finally {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        Files.write(output.resolve("run-format-json.ndjson"), lines);

        assertThat(process.exitValue()).as("exit code; stderr: %s", Files.readString(state.resolve("stderr.txt"))).isZero();
        CliEventNormalizer normalizer = new CliEventNormalizer();
        List<AgentEvent> events = new ArrayList<>();
        lines.forEach(line -> events.addAll(normalizer.accept(line)));
        events.addAll(normalizer.finish());
        assertThat(events).filteredOn(ToolFinished.class::isInstance).map(ToolFinished.class::cast).singleElement()
                .satisfies(tool -> {
                    assertThat(tool.tool()).isEqualTo("read");
                    assertThat(tool.output()).contains("alpha beta gamma");
                });
        assertThat(events).filteredOn(RunResult.class::isInstance).map(RunResult.class::cast).singleElement()
                .satisfies(result -> {
                    assertThat(result.text()).isEqualTo(FINAL_TEXT);
                    assertThat(result.errors()).isZero();
                });
    }

    private String createAndPrompt(String prompt) {
        String session = client.createSession("protocol-recording").id();
        client.promptAsync(session, PromptRequest.text(prompt).withModel(ModelReference.parse(SharedOpenCode.MODEL)));
        return session;
    }

    /**
     * Waits for idle and a completed latest assistant message (the completion gate's own evidence, read from the server).
     *
     * @return the id of that message
     */
    private String awaitCompleted(String session) {
        return await().atMost(TURN).pollInterval(Duration.ofMillis(200)).until(() -> {
            if (client.sessionStatuses().containsKey(session)) {
                return null;
            }
            List<MessageWithParts> messages = client.messages(session, null);
            MessageWithParts last = messages.isEmpty() ? null : messages.get(messages.size() - 1);
            return last != null && last.info().isAssistant() && last.info().isCompleted() ? last.info().id() : null;
        }, Objects::nonNull);
    }

    private PermissionRequest pendingPermission(String session) {
        return client.permissions().stream().filter(request -> session.equals(request.sessionId())).findFirst().orElse(null);
    }

    private QuestionRequest pendingQuestion(String session) {
        return client.questions().stream().filter(request -> session.equals(request.sessionId())).findFirst().orElse(null);
    }

    private List<OpenCodeEvent> parse(List<String> frames) {
        EventParser parser = new EventParser();
        return frames.stream().filter(line -> line.startsWith("data: ")).map(line -> line.substring(6))
                .flatMap(frame -> route == EventRoute.GLOBAL_EVENT ? parser.parseGlobal(frame).map(GlobalEvent::event).stream()
                        : java.util.stream.Stream.of(parser.parse(frame)))
                .toList();
    }

    private static List<MessageError> finalErrors(List<OpenCodeEvent> events, String session) {
        return events.stream().filter(MessageUpdated.class::isInstance).map(event -> ((MessageUpdated) event).info())
                .filter(info -> session.equals(info.sessionId()) && info.isAssistant() && info.isCompleted() && info.error() != null)
                .map(info -> info.error()).toList();
    }

    private static List<AgentEvent> normalized(List<OpenCodeEvent> events, String session) {
        ServerEventNormalizer normalizer = new ServerEventNormalizer(session);
        List<AgentEvent> agentEvents = new ArrayList<>();
        events.stream().filter(event -> session.equals(event.sessionId())).forEach(event -> agentEvents.addAll(normalizer.accept(event)));
        return agentEvents;
    }

    private static List<String> readLines(InputStream input) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(input, StandardCharsets.UTF_8))) {
            return reader.lines().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * One plain {@code GET /event} connection whose lines are kept exactly as the server sent them (blank separator
     * lines included), not through the client's reader: the recording is the server's bytes.
     */
    private static final class RawEventStream implements AutoCloseable {

        private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
        private final InputStream body;
        private final Thread reader;

        private RawEventStream(InputStream body) {
            this.body = body;
            this.reader = new Thread(() -> {
                try (BufferedReader input = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = input.readLine()) != null) {
                        lines.add(line);
                    }
                } catch (IOException closed) {
                    // closed by stopAfterIdleOf or close
                }
            }, "raw-event-stream");
            reader.setDaemon(true);
            reader.start();
        }

        static RawEventStream open(SharedOpenCode openCode, EventRoute route) throws Exception {
            HttpRequest request = HttpRequest.newBuilder(openCode.server().baseUri().resolve(route.path()))
                    .header("Accept", "text/event-stream")
                    .header("Authorization", openCode.server().authorizationHeader())
                    .GET().build();
            HttpResponse<InputStream> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                    .send(request, HttpResponse.BodyHandlers.ofInputStream());
            assertThat(response.statusCode()).isEqualTo(200);
            RawEventStream stream = new RawEventStream(response.body());
            await().atMost(Duration.ofSeconds(20)).until(() -> stream.snapshot().stream().anyMatch(line -> line.contains("server.connected")));
            return stream;
        }

        /**
         * Waits until the stream carried, for every session, an idle status and the completed final message (idle may
         * come before or after that message's last {@code message.updated}), then closes the connection.
         *
         * @param finalMessages session id to the id of its final assistant message
         * @return every line received
         */
        List<String> stopWhenStreamed(Map<String, String> finalMessages) {
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                List<String> seen = snapshot();
                return finalMessages.entrySet().stream().allMatch(session -> seen.stream().anyMatch(line -> isIdle(line, session.getKey()))
                        && seen.stream().anyMatch(line -> line.contains("\"message.updated\"") && line.contains(session.getValue())
                                && line.contains("\"completed\"")));
            });
            close();
            return snapshot();
        }

        private static boolean isIdle(String line, String session) {
            return line.contains(session) && (line.contains("\"session.idle\"") || line.contains("\"type\":\"idle\""));
        }

        List<String> snapshot() {
            synchronized (lines) {
                return List.copyOf(lines);
            }
        }

        @Override
        public void close() {
            try {
                body.close();
            } catch (IOException ignored) {
                // the connection is gone either way
            }
        }
    }
}
