package org.camelopencode.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.camelopencode.it.cluster.ClusterTasks;
import org.camelopencode.testkit.Reply;
import org.camelopencode.testkit.RequestMatcher;
import org.camelopencode.workspace.Git;
import org.camelopencode.workspace.Worktrees;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged runner killed with {@code kill -9} while a batch of tasks is in flight on a real server, then started
 * again on the same work folder: every task ends exactly once (one result record each, no error record), in the one
 * session its first runner started (re-attached through the dispatch ledger, no second session on the server).
 */
class RunnerCrashRecoveryIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path JAR = Path.of(System.getProperty("runner.jar", "target/camel-opencode-runner.jar")).toAbsolutePath();
    private static final List<String> TASKS = List.of("crash-0", "crash-1", "crash-2", "crash-3");

    @Test
    void everyTaskInFlightEndsExactlyOnceAfterTheRunnerIsKilledAndStartedAgain(@TempDir Path folder) throws Exception {
        SharedOpenCode openCode = SharedOpenCode.get();
        for (String task : TASKS) {
            openCode.model().when(RequestMatcher.promptContains(marker(task)))
                    .reply(Reply.slow(Reply.text(task + " done"), Duration.ofMillis(1500)));
        }
        Path inbox = Files.createDirectories(folder.resolve("in"));
        for (String task : TASKS) {
            Files.writeString(inbox.resolve(task + ".md"), marker(task) + " Take your time.\n");
        }
        Map<String, String> environment = openCode.runnerEnvironment("PT90S", Map.of("OPENCODE_CONCURRENCY", "4"));

        Process first = start(folder, environment, "first.log");
        try {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> TASKS.stream()
                    .allMatch(task -> openCode.model().requests().stream().anyMatch(request -> request.messagesJson().contains(marker(task)))));
        } catch (ConditionTimeoutException notInFlight) {
            first.destroyForcibly();
            throw new AssertionError("the tasks did not reach the model; runner log:\n" + Files.readString(folder.resolve("first.log")));
        }
        // kill -9: no shutdown hook, no abort of the sessions, the task files stay in the inbox.
        first.destroyForcibly();
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(first.exitValue()).isEqualTo(137);
        assertThat(folder.resolve("out")).satisfiesAnyOf(out -> assertThat(out).doesNotExist(),
                out -> assertThat(Files.list(out).filter(file -> file.toString().endsWith(".result.json")).count())
                        .as("the batch was in flight, not finished").isLessThan(TASKS.size()));

        Process second = start(folder, environment, "second.log");
        try {
            for (String task : TASKS) {
                JsonNode result = awaitJson(folder, "out/" + task + ".result.json", "second.log");
                assertThat(result.get("status").asText()).isEqualTo("completed");
                assertThat(result.get("task").asText()).isEqualTo(task);
                assertThat(result.get("text").asText()).isEqualTo(task + " done");
                assertThat(result.get("model").asText()).isEqualTo(SharedOpenCode.MODEL);
                assertThat(result.get("attempts")).hasSize(1);
                assertThat(sessionsTitled(openCode, task)).as("one session on the server for " + task)
                        .containsExactly(result.get("sessionId").asText());
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> TASKS.stream()
                    .allMatch(task -> Files.exists(inbox.resolve(".done").resolve(task + ".md"))));
        } finally {
            second.destroy();
            second.waitFor(60, TimeUnit.SECONDS);
        }
        assertThat(folder.resolve("failed")).satisfiesAnyOf(failed -> assertThat(failed).doesNotExist(),
                failed -> assertThat(failed).isEmptyDirectory());
        try (Stream<Path> results = Files.list(folder.resolve("out"))) {
            assertThat(results.map(file -> file.getFileName().toString()).sorted().toList())
                    .containsExactly("crash-0.result.json", "crash-1.result.json", "crash-2.result.json", "crash-3.result.json");
        }
        String secondLog = Files.readString(folder.resolve("second.log"));
        assertThat(secondLog).contains("left running by an earlier run").contains("re-attaching")
                .doesNotContain(openCode.server().password());
    }

    /**
     * A task with {@code workspace: worktree} on a real git repository, its runner killed after the agent's first edit
     * while the session runs on: the second runner's sweep keeps the dead runner's worktree (the ledger's running entry
     * works in it), the re-attach goes on there, and the record lists every edit the agent made, before and after the
     * kill, in one session.
     */
    @Test
    void aWorktreeTaskResumesInItsWorktreeAndItsRecordListsEveryEditAfterTheRunnerIsKilled(@TempDir Path folder) throws Exception {
        SharedOpenCode openCode = SharedOpenCode.get();
        Path repository = Files.createDirectories(folder.resolve("repo"));
        Files.writeString(repository.resolve("README.md"), "# repo\n");
        Git git = new Git();
        git.run(repository, "init", "--quiet", "--initial-branch=main");
        git.run(repository, "add", "-A");
        git.run(repository, "-c", "user.name=test", "-c", "user.email=test@example.com", "commit", "--quiet", "-m", "initial");
        String marker = "CRASH-WORKTREE-MARK";
        openCode.model().when(RequestMatcher.promptContains(marker)).reply(
                Reply.writeFile("half-done.txt", "written before the kill\n"),
                Reply.slow(Reply.writeFile("rest.txt", "written while no runner watched\n"), Duration.ofMillis(1500)),
                Reply.text("worktree done"));
        Path inbox = Files.createDirectories(folder.resolve("in"));
        Files.writeString(inbox.resolve("crash-wt.md"), "---\ndirectory: " + repository.toRealPath() + "\nworkspace: worktree\n---\n"
                + marker + " Fix it in two steps.\n");
        Map<String, String> environment = openCode.runnerEnvironment("PT90S", Map.of());
        Path worktrees = repository.resolve(".git").resolve(Worktrees.FOLDER);

        Process first = start(folder, environment, "first.log");
        try {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> Files.isDirectory(worktrees)
                    && Files.list(worktrees).anyMatch(worktree -> Files.exists(worktree.resolve("half-done.txt"))));
        } catch (ConditionTimeoutException notEdited) {
            first.destroyForcibly();
            throw new AssertionError("the agent's first edit did not happen; runner log:\n" + Files.readString(folder.resolve("first.log")));
        }
        first.destroyForcibly();
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(folder.resolve("out").resolve("crash-wt.result.json")).as("killed while the session ran").doesNotExist();

        Process second = start(folder, environment, "second.log");
        JsonNode result;
        try {
            result = awaitJson(folder, "out/crash-wt.result.json", "second.log");
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(inbox.resolve(".done").resolve("crash-wt.md")));
        } finally {
            second.destroy();
            second.waitFor(60, TimeUnit.SECONDS);
        }
        assertThat(result.get("status").asText()).isEqualTo("completed");
        assertThat(result.get("text").asText()).isEqualTo("worktree done");
        assertThat(result.get("attempts")).hasSize(1);
        assertThat(result.path("workspace").path("mode").asText()).isEqualTo("worktree");
        assertThat(result.path("workspace").path("branch").asText()).as("the worktree of the first attempt, resumed")
                .isEqualTo("opencode/crash-wt-1");
        List<String> changed = new ArrayList<>();
        result.get("changes").forEach(change -> changed.add(change.get("file").asText() + " " + change.get("status").asText()));
        assertThat(changed).as("the edits before and after the kill").containsExactlyInAnyOrder("half-done.txt added", "rest.txt added");
        assertThat(Files.readString(folder.resolve("out").resolve(result.get("patch").asText())))
                .contains("+written before the kill", "+written while no runner watched");
        long sessions = openCode.model().requests().stream().filter(request -> !request.titleRequest()
                && ClusterTasks.firstUserText(request.messagesJson()).contains(marker)).map(request -> request.messagesJson())
                .filter(messages -> !messages.contains("half-done.txt")).count();
        assertThat(sessions).as("the model saw the task's opening turn once: no second session").isEqualTo(1);
        assertThat(git.run(repository, "worktree", "list", "--porcelain")).as("no worktree left").doesNotContain(Worktrees.FOLDER);
        assertThat(git.run(repository, "status", "--porcelain")).isEmpty();
        assertThat(Files.readString(folder.resolve("second.log"))).contains("Kept worktree", "re-attaching",
                        "in its worktree " + worktrees.toRealPath())
                .doesNotContain("Swept").doesNotContain(openCode.server().password());
        assertThat(folder.resolve("failed")).satisfiesAnyOf(failed -> assertThat(failed).doesNotExist(),
                failed -> assertThat(failed).isEmptyDirectory());
    }

    private static String marker(String task) {
        return "CRASH-" + task.substring(task.indexOf('-') + 1) + "-MARK";
    }

    /** Reads {@code GET /session} (every session of the server's project) and keeps those titled for the task. */
    private static List<String> sessionsTitled(SharedOpenCode openCode, String task) throws Exception {
        String credentials = openCode.server().username() + ":" + openCode.server().password();
        HttpRequest request = HttpRequest.newBuilder(URI.create(openCode.server().baseUri() + "/session"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)))
                .timeout(Duration.ofSeconds(10)).GET().build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        List<String> sessions = new ArrayList<>();
        for (JsonNode session : JSON.readTree(response.body())) {
            if (session.path("title").asText().startsWith(task + " [")) {
                sessions.add(session.path("id").asText());
            }
        }
        return sessions;
    }

    private static Process start(Path folder, Map<String, String> environment, String log) throws IOException {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString());
        ProcessBuilder builder = new ProcessBuilder(command).directory(folder.toFile()).redirectErrorStream(true)
                .redirectOutput(folder.resolve(log).toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("OPENCODE_") || name.endsWith("_API_KEY"));
        builder.environment().put("OPENCODE_JMS_PORT", "-1");
        // A free management port: 9876 could be taken on the test machine.
        builder.environment().put("OPENCODE_MANAGEMENT_PORT", "0");
        // The status page on a free port: a fixed one could be taken by another build on this machine.
        builder.environment().put("OPENCODE_STATUS_PORT", Integer.toString(freeStatusPort()));
        builder.environment().putAll(environment);
        return builder.start();
    }

    private static JsonNode awaitJson(Path folder, String relative, String log) throws IOException {
        Path file = folder.resolve(relative);
        try {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).until(() -> Files.exists(file));
        } catch (ConditionTimeoutException missing) {
            throw new AssertionError(relative + " was not written; runner log:\n" + Files.readString(folder.resolve(log)), missing);
        }
        return JSON.readTree(file.toFile());
    }

    private static int freeStatusPort() throws java.io.IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
