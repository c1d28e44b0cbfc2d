package org.camelopencode.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.camelopencode.testkit.Reply;
import org.camelopencode.testkit.RequestMatcher;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged runner as a user starts it: {@code java -jar target/camel-opencode-runner.jar} from
 * another folder (so the packaged application.properties and routes are used), configured through
 * environment variables, through {@code -D} properties, and with nothing at all (the offline demo on
 * a managed server).
 */
class RunnerJarIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path JAR = Path.of(System.getProperty("runner.jar", "target/camel-opencode-runner.jar")).toAbsolutePath();

    private static SharedOpenCode openCode;

    @BeforeAll
    static void scriptReplies() throws Exception {
        openCode = SharedOpenCode.get();
        openCode.model().when(RequestMatcher.promptContains("JAR-TEXT")).reply(Reply.text("Done by the jar."));
        openCode.model().when(RequestMatcher.promptContains("JAR-HANG")).reply(Reply.hang());
    }

    @Test
    void externalServerFromEnvironmentVariables(@TempDir Path folder) throws Exception {
        Files.createDirectories(folder.resolve("in"));
        // This task's own timeout wins over OPENCODE_TIMEOUT, which the hanging task runs into.
        Files.writeString(folder.resolve("in/env-task.md"), "---\ntimeout: 120\n---\nJAR-TEXT from the environment\n");
        Files.writeString(folder.resolve("in/env-slow.txt"), "JAR-HANG forever");
        Map<String, String> environment = openCode.runnerEnvironment("PT4S", Map.of());
        Process runner = start(folder, List.of(), environment);
        try {
            JsonNode result = awaitJson(folder, "out/env-task.result.json");
            assertThat(result.get("text").asText()).isEqualTo("Done by the jar.");
            assertThat(result.get("model").asText()).isEqualTo(SharedOpenCode.MODEL);
            JsonNode failure = awaitJson(folder, "failed/env-slow.error.json");
            assertThat(failure.get("failure").asText()).isEqualTo("timeout");
            assertThat(failure.get("message").asText()).contains("PT4S");
        } finally {
            stop(runner);
        }
        assertThat(Files.readString(folder.resolve("runner.log"))).doesNotContain(openCode.server().password())
                .contains("Using the OpenCode server at " + openCode.server().baseUri());
    }

    @Test
    void externalServerFromSystemProperties(@TempDir Path folder) throws Exception {
        Files.createDirectories(folder.resolve("in"));
        Files.writeString(folder.resolve("in/prop-task.md"), "---\ntitle: by properties\n---\nJAR-TEXT from -D\n");
        Process runner = start(folder, List.of(
                "-Dopencode.server.url=" + openCode.server().baseUri(),
                "-Dopencode.server.username=" + openCode.server().username(),
                "-Dopencode.server.password=" + openCode.server().password(),
                "-Dopencode.model=" + SharedOpenCode.MODEL,
                "-Dopencode.inbox=in", "-Dopencode.outbox=out", "-Dopencode.dead-letter=failed"), Map.of());
        try {
            JsonNode result = awaitJson(folder, "out/prop-task.result.json");
            assertThat(result.get("status").asText()).isEqualTo("completed");
            assertThat(result.get("text").asText()).isEqualTo("Done by the jar.");
        } finally {
            stop(runner);
        }
        // The password is on the command line here, never in what the runner prints.
        assertThat(Files.readString(folder.resolve("runner.log"))).doesNotContain(openCode.server().password());
    }

    @Test
    void offlineDemoOnAManagedServerProcessesTheExamplesAndLeavesNoProcessBehind(@TempDir Path folder) throws Exception {
        Path inbox = Files.createDirectories(folder.resolve("work/inbox"));
        try (Stream<Path> examples = Files.list(Path.of("examples/inbox"))) {
            for (Path example : examples.toList()) {
                Files.copy(example, inbox.resolve(example.getFileName()));
            }
        }
        Process runner = start(folder, List.of("-Dopencode.binary=" + Path.of(System.getProperty("opencode.binary")).toAbsolutePath()),
                Map.of());
        long serverPid;
        try {
            for (String task : List.of("hello", "checklist", "release-notes")) {
                JsonNode result = awaitJson(folder, "work/outbox/" + task + ".result.json");
                assertThat(result.get("status").asText()).isEqualTo("completed");
                assertThat(result.get("model").asText()).isEqualTo("offline/demo");
                assertThat(result.get("text").asText()).isNotBlank();
            }
            assertThat(JSON.readTree(folder.resolve("work/outbox/release-notes.result.json").toFile()).get("json").get("offline").asBoolean())
                    .isTrue();
            String log = Files.readString(folder.resolve("runner.log"));
            assertThat(log).contains("OFFLINE DEMO").contains("Started managed OpenCode 1.18.33");
            Matcher pid = Pattern.compile("Started managed OpenCode \\S+ at \\S+ \\(pid (\\d+)").matcher(log);
            assertThat(pid.find()).isTrue();
            serverPid = Long.parseLong(pid.group(1));
            assertThat(ProcessHandle.of(serverPid)).get().matches(ProcessHandle::isAlive);
        } finally {
            stop(runner);
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> ProcessHandle.of(serverPid).map(handle -> !handle.isAlive()).orElse(true));
    }

    private static Process start(Path folder, List<String> systemProperties, Map<String, String> environment) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(systemProperties);
        command.add("-jar");
        command.add(JAR.toString());
        ProcessBuilder builder = new ProcessBuilder(command).directory(folder.toFile()).redirectErrorStream(true)
                .redirectOutput(folder.resolve("runner.log").toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("OPENCODE_") || name.endsWith("_API_KEY"));
        // In-process broker only: a fixed TCP port could be taken on the test machine.
        builder.environment().put("OPENCODE_JMS_PORT", "-1");
        // A free management port: 9876 could be taken on the test machine.
        builder.environment().put("OPENCODE_MANAGEMENT_PORT", "0");
        // The status page on a free port: a fixed one could be taken by another build on this machine.
        builder.environment().put("OPENCODE_STATUS_PORT", Integer.toString(freeStatusPort()));
        builder.environment().putAll(environment);
        return builder.start();
    }

    private static void stop(Process runner) throws InterruptedException {
        runner.destroy();
        if (!runner.waitFor(60, TimeUnit.SECONDS)) {
            runner.destroyForcibly();
        }
        assertThat(runner.exitValue()).as("runner exit code after SIGTERM").isIn(0, 143);
    }

    /** Awaits a record the runner writes; on time-out the runner's log is in the failure message. */
    private static JsonNode awaitJson(Path folder, String relative) throws IOException {
        Path file = folder.resolve(relative);
        try {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).until(() -> Files.exists(file));
        } catch (ConditionTimeoutException missing) {
            throw new AssertionError(relative + " was not written; runner log:\n" + Files.readString(folder.resolve("runner.log")), missing);
        }
        return JSON.readTree(file.toFile());
    }

    private static int freeStatusPort() throws java.io.IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
