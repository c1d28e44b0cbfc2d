package org.camelopencode.it;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.camelopencode.agent.AgentEvent.MessageText;
import org.camelopencode.agent.AgentEvent.RunResult;
import org.camelopencode.agent.AgentEvent.StepUsage;
import org.camelopencode.agent.AgentEvent.ToolFinished;
import org.camelopencode.agent.AgentEvent.ToolStarted;
import org.camelopencode.agent.AgentEvent;
import org.camelopencode.agent.AgentRunSummary;
import org.camelopencode.agent.AgentRunTally;
import org.camelopencode.agent.CliEventNormalizer;
import org.camelopencode.agent.ServerEventNormalizer;
import org.camelopencode.agent.TokenUsage;
import org.camelopencode.client.EventStream;
import org.camelopencode.client.MessageWithParts;
import org.camelopencode.client.ModelReference;
import org.camelopencode.client.OpenCodeClient;
import org.camelopencode.client.OpenCodeEvent;
import org.camelopencode.client.OpenCodeJson;
import org.camelopencode.client.PromptRequest;
import org.camelopencode.client.Subscription;
import org.camelopencode.server.OpenCodeBinary;
import org.camelopencode.server.OpenCodeConfig;
import org.camelopencode.testkit.Reply;
import org.camelopencode.testkit.RequestMatcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * One scripted scenario (a {@code read} tool call, then a final text: two model calls, each reporting usage) run
 * twice against the scripted model of {@link SharedOpenCode}: once on its real server, followed through the event
 * stream ({@code GET /event}, {@code prompt_async}), and once through a standalone {@code opencode run --format json}
 * in the same project directory with the same config. Both normalized event sequences must agree on text, tool calls
 * and summed usage. The raw frames and lines seen are written to
 * {@code target/agent-events-it/} (the recordings in {@code src/test/resources/recordings/*-read-tool.*} came from
 * there).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentEventsIntegrationTest {

    /**
     * Both markers have the same length, so both runs send the model requests of the same size: the scripted model
     * estimates usage from the request's length, so both runs report the same usage.
     */
    private static final String SERVER_MARKER = "AGENT-EVENTS-SRV";
    private static final String CLI_MARKER = "AGENT-EVENTS-CLI";
    private static final String PROMPT = " Read the fixture file and tell me what it says.";
    private static final String FINAL_TEXT = "The fixture says: alpha beta gamma.";
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(60);
    private static final Path OUTPUT = Path.of("target", "agent-events-it");

    private SharedOpenCode openCode;
    private OpenCodeClient client;
    private Path fixture;

    @BeforeAll
    void setUp() throws Exception {
        openCode = SharedOpenCode.get();
        client = openCode.newClient();
        fixture = openCode.server().projectDirectory().resolve("agent-events-fixture.txt");
        Files.writeString(fixture, "alpha beta gamma\n");
        String readArguments = OpenCodeJson.mapper().createObjectNode().put("filePath", fixture.toString()).toString();
        for (String marker : List.of(SERVER_MARKER, CLI_MARKER)) {
            openCode.model().when(RequestMatcher.promptContains(marker))
                    .reply(Reply.toolCall("read", readArguments), Reply.text(FINAL_TEXT));
        }
        Files.createDirectories(OUTPUT);
    }

    @AfterAll
    void tearDown() {
        if (client != null) {
            client.close();
        }
    }

    @Test
    void theServerStreamAndTheCliAgreeOnTextToolCallsAndSummedUsage() throws Exception {
        List<AgentEvent> fromServer = runOnServer();
        List<AgentEvent> fromCli = runThroughCli();

        for (List<AgentEvent> events : List.of(fromServer, fromCli)) {
            assertThat(events).extracting(event -> event.getClass().getSimpleName()).containsExactly(
                    "SessionStarted", "ToolStarted", "ToolFinished", "StepUsage", "MessageText", "StepUsage", "RunResult");
            ToolFinished read = only(events, ToolFinished.class);
            assertThat(read.tool()).isEqualTo("read");
            assertThat(read.status()).isEqualTo(ToolFinished.COMPLETED);
            assertThat(read.input().get("filePath").asText()).isEqualTo(fixture.toString());
            assertThat(read.output()).contains("alpha beta gamma");
            assertThat(only(events, ToolStarted.class).callId()).isEqualTo(read.callId()).startsWith("call_");
            assertThat(only(events, MessageText.class).text()).isEqualTo(FINAL_TEXT);
            List<StepUsage> steps = all(events, StepUsage.class);
            assertThat(steps).extracting(StepUsage::reason).containsExactly("tool-calls", "stop");
            assertThat(steps).allSatisfy(step -> assertThat(step.tokens().input()).isPositive());
            assertThat(steps).allSatisfy(step -> assertThat(step.tokens().output()).isPositive());
            RunResult result = only(events, RunResult.class);
            assertThat(result.text()).isEqualTo(FINAL_TEXT);
            assertThat(result.errors()).isZero();
        }

        AgentRunSummary server = summarize(fromServer);
        AgentRunSummary cli = summarize(fromCli);
        assertThat(cli.toolsUsed()).isEqualTo(server.toolsUsed()).containsExactly("read");
        assertThat(cli.toolCalls()).isEqualTo(server.toolCalls()).isEqualTo(1);
        assertThat(cli.lastText()).isEqualTo(server.lastText());
        assertThat(cli.steps()).isEqualTo(server.steps()).isEqualTo(2);
        // OpenCode 1.1.65 and 1.3.2 wrap the CLI's message in newlines: each of its requests is a character or two longer,
        // at most one more estimated input token per model call.
        assertThat(cli.tokens().output()).isEqualTo(server.tokens().output());
        assertThat(cli.tokens().reasoning()).isEqualTo(server.tokens().reasoning());
        assertThat(cli.tokens().input()).isBetween(server.tokens().input(), server.tokens().input() + cli.steps());
        assertThat(cli.cost()).isEqualTo(server.cost());
        assertThat(only(fromCli, ToolFinished.class).input()).isEqualTo(only(fromServer, ToolFinished.class).input());
        assertThat(only(fromCli, ToolFinished.class).output()).isEqualTo(only(fromServer, ToolFinished.class).output());

        // the sum over all steps is what the server itself reports for all assistant messages of each session
        assertThat(server.tokens()).isEqualTo(tokensStoredFor(server.sessionId()));
        assertThat(cli.sessionId()).isNotEqualTo(server.sessionId());
        TokenUsage lastStep = all(fromServer, StepUsage.class).get(1).tokens();
        assertThat(server.tokens().input()).as("summed, not the last step").isGreaterThan(lastStep.input());
    }

    /** Follows one prompt on the server's event stream until its run ends. */
    private List<AgentEvent> runOnServer() throws Exception {
        EventStream stream = client.eventStream();
        await().atMost(Duration.ofSeconds(20)).until(stream::isConnected);
        String sessionId = client.createSession("agent-events-it").id();
        ServerEventNormalizer normalizer = new ServerEventNormalizer(sessionId);
        List<AgentEvent> events = Collections.synchronizedList(new ArrayList<>());
        List<String> frames = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch ended = new CountDownLatch(1);
        try (Subscription subscription = stream.subscribe(sessionId, event -> {
            frames.add(frame(event));
            for (AgentEvent agentEvent : normalizer.accept(event)) {
                events.add(agentEvent);
                if (agentEvent instanceof RunResult) {
                    ended.countDown();
                }
            }
        })) {
            client.promptAsync(sessionId, PromptRequest.text(SERVER_MARKER + PROMPT)
                    .withModel(ModelReference.parse(SharedOpenCode.MODEL)));
            boolean done = ended.await(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertThat(done).as("the run on the server ended within %s; events: %s", RUN_TIMEOUT, events).isTrue();
            // the server may send the last updates after idle: give them no chance to be missed by the comparison
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> tokensStoredFor(sessionId).equals(sumOf(events)));
        }
        synchronized (frames) {
            Files.write(OUTPUT.resolve("server-read-tool.sse"), frames.stream().map(frame -> "data: " + frame + "\n").toList());
        }
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    /**
     * Runs {@code opencode run --format json} standalone (its own in-process server, same config, same scripted model,
     * same project directory) and normalizes its output. Not {@code --attach}: verified on 1.18.33 that an attached
     * run exits as soon as its prompt call returns, without waiting for idle, so the last step's lines are lost.
     */
    private List<AgentEvent> runThroughCli() throws Exception {
        Path projectDirectory = openCode.server().projectDirectory();
        Path home = Files.createTempDirectory("agent-events-cli-");
        List<String> command = new ArrayList<>(List.of(OpenCodeBinary.locate(System.getProperty(OpenCodeBinary.PROPERTY)).toString(),
                "run", "--format", "json", "-m", SharedOpenCode.MODEL));
        // one argument per word: it wraps an argument holding a space in double quotes before sending it
        command.addAll(List.of((CLI_MARKER + PROMPT).split(" ")));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(projectDirectory.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))) // it reads a piped stdin as the prompt
                .redirectError(home.resolve("stderr.txt").toFile());
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(name -> name.startsWith("OPENCODE_"));
        // without --dir it takes its directory from an inherited PWD rather than the process's working directory
        environment.put("PWD", projectDirectory.toString());
        for (String variable : List.of("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME")) {
            environment.put(variable, home.resolve(variable.toLowerCase(Locale.ROOT)).toString());
        }
        environment.put("OPENCODE_DISABLE_AUTOUPDATE", "1");
        environment.put("OPENCODE_DISABLE_MODELS_FETCH", "1");
        environment.put("OPENCODE_DISABLE_SHARE", "1");
        environment.put("OPENCODE_DISABLE_LSP_DOWNLOAD", "1");
        environment.put("OPENCODE_CONFIG_CONTENT", new OpenCodeConfig()
                .scriptedProvider("scripted", openCode.model().baseUri(), "echo", "fallback")
                .model(SharedOpenCode.MODEL).smallModel(SharedOpenCode.MODEL).permission("bash", "ask").toJson());
        Process process = builder.start();
        CompletableFuture<List<String>> output = CompletableFuture.supplyAsync(() -> readLines(process));
        try {
            if (!process.waitFor(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                fail("opencode run did not end within %s; stderr: %s", RUN_TIMEOUT, stderr(home));
            }
            List<String> lines = output.get(10, TimeUnit.SECONDS);
            Files.write(OUTPUT.resolve("run-format-json-read-tool.ndjson"), lines);
            assertThat(process.exitValue()).as("exit code; stderr: %s", stderr(home)).isZero();
            CliEventNormalizer normalizer = new CliEventNormalizer();
            List<AgentEvent> events = new ArrayList<>();
            lines.forEach(line -> events.addAll(normalizer.accept(line)));
            events.addAll(normalizer.finish());
            return events;
        } finally {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    private TokenUsage tokensStoredFor(String sessionId) {
        TokenUsage sum = TokenUsage.ZERO;
        for (MessageWithParts message : client.messages(sessionId, null)) {
            if (message.info().isAssistant()) {
                sum = sum.plus(message.info().tokens());
            }
        }
        return sum;
    }

    private static TokenUsage sumOf(List<AgentEvent> events) {
        return summarize(events).tokens();
    }

    private static AgentRunSummary summarize(List<AgentEvent> events) {
        AgentRunTally tally = new AgentRunTally();
        synchronized (events) {
            tally.acceptAll(events);
        }
        return tally.snapshot();
    }

    private static <T extends AgentEvent> List<T> all(List<AgentEvent> events, Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static <T extends AgentEvent> T only(List<AgentEvent> events, Class<T> type) {
        List<T> matching = all(events, type);
        assertThat(matching).as("events of type %s", type.getSimpleName()).hasSize(1);
        return matching.get(0);
    }

    /** The frame data as the server sent it ({@code {"id","type","properties"}}), rebuilt from the parsed event. */
    private static String frame(OpenCodeEvent event) {
        ObjectNode frame = OpenCodeJson.mapper().createObjectNode();
        frame.put("id", event.id()).put("type", event.type()).set("properties", event.properties());
        return frame.toString();
    }

    private static List<String> readLines(Process process) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            return reader.lines().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String stderr(Path home) {
        try {
            String text = Files.readString(home.resolve("stderr.txt"));
            return text.length() > 2000 ? text.substring(text.length() - 2000) : text;
        } catch (IOException e) {
            return "<unreadable: " + e.getMessage() + ">";
        }
    }
}
