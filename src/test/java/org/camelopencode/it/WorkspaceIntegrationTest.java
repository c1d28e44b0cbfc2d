package org.camelopencode.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.camel.main.Main;
import org.camelopencode.testkit.Reply;
import org.camelopencode.testkit.RequestMatcher;
import org.camelopencode.workspace.Git;
import org.camelopencode.workspace.Worktrees;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Workspaces on real git repositories through the shipped file-drop runner and ONE real {@code opencode serve} driven by
 * the scripted model (issue 15 items 2-4): task files name a repository ({@code directory}) and
 * {@code workspace: worktree}; the scripted model edits files with OpenCode's {@code write} tool; the records list
 * exactly the attempt's changes, {@code <name>.patch} applies on the base, retries start clean, commits land on their
 * branch, and no worktree is left.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WorkspaceIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Git GIT = new Git();
    private static final int CONCURRENT = 10;

    private SharedOpenCode openCode;
    private Main runner;
    private Path work;
    private Path inbox;
    private Path outbox;
    private Path deadLetter;

    @BeforeAll
    void startRunner() throws Exception {
        openCode = SharedOpenCode.get();
        work = Files.createTempDirectory("workspace-it-").toRealPath();
        inbox = Files.createDirectories(work.resolve("inbox"));
        outbox = work.resolve("outbox");
        deadLetter = work.resolve("dead-letter");
        runner = openCode.newRunner(work);
        runner.addOverrideProperty("opencode.concurrency", String.valueOf(CONCURRENT));
        runner.addOverrideProperty("opencode.timeout", "PT90S");
        runner.addOverrideProperty("opencode.retry.delay", "50");
        runner.addOverrideProperty("opencode.retry.backoff.delay", "50");
        runner.addOverrideProperty("opencode.git.user-name", "Workspace IT");
        runner.addOverrideProperty("opencode.git.user-email", "workspace-it@example.com");
        runner.start();
    }

    @AfterAll
    void stopRunner() {
        if (runner != null) {
            runner.stop();
        }
    }

    private static Path repository(Path folder) throws IOException {
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("README.md"), "# " + folder.getFileName() + "\n");
        GIT.run(folder, "init", "--quiet", "--initial-branch=main");
        GIT.run(folder, "add", "-A");
        GIT.run(folder, "-c", "user.name=test", "-c", "user.email=test@example.com", "commit", "--quiet", "-m", "initial");
        return folder.toRealPath();
    }

    private void drop(String name, String frontMatter, String prompt) throws IOException {
        Path partial = work.resolve(name + ".partial");
        Files.writeString(partial, "---\n" + frontMatter + "---\n" + prompt + "\n", StandardCharsets.UTF_8);
        Files.move(partial, inbox.resolve(name + ".md"));
    }

    private static JsonNode awaitRecord(Path folder, String fileName) throws IOException {
        Path file = folder.resolve(fileName);
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(200)).until(() -> Files.exists(file));
        return JSON.readTree(file.toFile());
    }

    private static String worktreeList(Path repository) {
        return GIT.run(repository, "worktree", "list", "--porcelain");
    }

    @Test
    void twoTasksOnTwoRepositoriesOfOneServerEachCommitOnlyTheirOwnFile() throws Exception {
        Path repoA = repository(work.resolve("repo-a"));
        Path repoB = repository(work.resolve("repo-b"));
        String mainA = GIT.run(repoA, "rev-parse", "main").strip();
        openCode.model().when(RequestMatcher.promptContains("WS-TWO-A")).reply(writeFile("a.txt", "from A\n"), Reply.text("A done"));
        openCode.model().when(RequestMatcher.promptContains("WS-TWO-B")).reply(writeFile("b.txt", "from B\n"), Reply.text("B done"));

        drop("two-a", "directory: " + repoA + "\nworkspace: worktree\ncommit: true\ncommitMessage: Add a.txt\n", "WS-TWO-A write a.txt");
        drop("two-b", "directory: " + repoB + "\nworkspace: worktree\ncommit: true\n", "WS-TWO-B write b.txt");

        JsonNode recordA = awaitRecord(outbox, "two-a.result.json");
        JsonNode recordB = awaitRecord(outbox, "two-b.result.json");
        assertThat(recordA.path("changes").toString()).isEqualTo("[{\"file\":\"a.txt\",\"status\":\"added\",\"additions\":1,\"deletions\":0}]");
        assertThat(recordB.path("changes").toString()).isEqualTo("[{\"file\":\"b.txt\",\"status\":\"added\",\"additions\":1,\"deletions\":0}]");
        assertThat(recordA.path("workspace").path("directory").asText()).isEqualTo(repoA.toString());
        assertThat(recordA.path("workspace").path("base").asText()).isEqualTo(mainA);
        assertThat(recordA.path("branch").asText()).isEqualTo("opencode/two-a-1");
        assertThat(recordA.path("patch").asText()).isEqualTo("two-a.patch");

        String commitA = recordA.path("commit").asText();
        assertThat(GIT.run(repoA, "rev-parse", "opencode/two-a-1").strip()).isEqualTo(commitA);
        assertThat(GIT.run(repoA, "show", "--format=%s|%an <%ae>|%P", "--name-status", commitA))
                .isEqualTo("Add a.txt|Workspace IT <workspace-it@example.com>|" + mainA + "\n\nA\ta.txt\n");
        assertThat(GIT.run(repoB, "show", "--format=%s", "--name-status", recordB.path("commit").asText()))
                .as("commitMessage defaults to the title, else the task's name").isEqualTo("two-b\n\nA\tb.txt\n");
        assertThat(GIT.run(repoA, "rev-parse", "main").strip()).as("main is untouched").isEqualTo(mainA);
        assertThat(GIT.run(repoA, "status", "--porcelain")).isEmpty();
        assertThat(repoA.resolve("a.txt")).doesNotExist();
        assertThat(GIT.run(repoB, "ls-tree", "-r", "--name-only", "opencode/two-b-1")).isEqualTo("README.md\nb.txt\n");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(worktreeList(repoA)).doesNotContain(Worktrees.FOLDER);
            assertThat(worktreeList(repoB)).doesNotContain(Worktrees.FOLDER);
        });
    }

    @Test
    void tenConcurrentTasksOnOneRepositoryEachRecordOnlyTheirOwnEdit() throws Exception {
        Path repository = repository(work.resolve("repo-ten"));
        String base = GIT.run(repository, "rev-parse", "HEAD").strip();
        for (int i = 0; i < CONCURRENT; i++) {
            openCode.model().when(RequestMatcher.promptContains("WS-TEN-" + i + " "))
                    .reply(writeFile("same.txt", "written by task " + i + "\n"), Reply.text("task " + i + " done"));
        }
        for (int i = 0; i < CONCURRENT; i++) {
            drop("ten-" + i, "directory: " + repository + "\nworkspace: worktree\n", "WS-TEN-" + i + " write same.txt");
        }

        for (int i = 0; i < CONCURRENT; i++) {
            JsonNode record = awaitRecord(outbox, "ten-" + i + ".result.json");
            assertThat(record.path("changes").toString()).as("task %d", i)
                    .isEqualTo("[{\"file\":\"same.txt\",\"status\":\"added\",\"additions\":1,\"deletions\":0}]");
            assertThat(record.path("workspace").path("base").asText()).isEqualTo(base);
            assertThat(record.has("commit")).isFalse();
            Path patch = outbox.resolve(record.path("patch").asText());
            String text = Files.readString(patch);
            assertThat(text).contains("+written by task " + i + "\n");
            for (int other = 0; other < CONCURRENT; other++) {
                if (other != i) {
                    assertThat(text).doesNotContain("written by task " + other + "\n");
                }
            }
            assertThat(GIT.succeeds(repository, "apply", "--check", patch.toString())).as("git apply --check %s", patch).isTrue();
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(worktreeList(repository)).doesNotContain(Worktrees.FOLDER);
            assertThat(GIT.run(repository, "branch", "--list", "opencode/*")).isEmpty();
        });
        assertThat(GIT.run(repository, "status", "--porcelain")).isEmpty();
        assertThat(Files.list(repository.resolve(".git").resolve(Worktrees.FOLDER))).isEmpty();
    }

    @Test
    void aRetryAfterATimeoutStartsCleanAndTheFirstAttemptsEditIsInItsEntry() throws Exception {
        Path repository = repository(work.resolve("repo-retry"));
        openCode.model().when(RequestMatcher.promptContains("WS-RETRY")).reply(
                writeFile("half-done.txt", "first attempt\n"), Reply.hang(),
                writeFile("done.txt", "second attempt\n"), Reply.text("retry done"));

        // Each worktree is a new directory to OpenCode, which boots an instance for it on the session's first call (seconds on a
        // loaded machine): the deadline must cover that plus the first write, or the first attempt times out before writing.
        drop("retry", "directory: " + repository + "\nworkspace: worktree\ntimeout: 30\n", "WS-RETRY write your file");

        JsonNode record = awaitRecord(outbox, "retry.result.json");
        JsonNode attempts = record.path("attempts");
        assertThat(attempts.size()).isEqualTo(2);
        assertThat(attempts.get(0).path("outcome").asText()).isEqualTo("timeout");
        assertThat(attempts.get(0).path("branch").asText()).isEqualTo("opencode/retry-1");
        assertThat(attempts.get(0).path("changes").toString())
                .isEqualTo("[{\"file\":\"half-done.txt\",\"status\":\"added\",\"additions\":1,\"deletions\":0}]");
        assertThat(attempts.get(1).path("branch").asText()).isEqualTo("opencode/retry-2");
        assertThat(record.path("changes").toString()).as("the retry's tree never had the first attempt's file")
                .isEqualTo("[{\"file\":\"done.txt\",\"status\":\"added\",\"additions\":1,\"deletions\":0}]");
        assertThat(Files.readString(outbox.resolve("retry.patch"))).contains("done.txt").doesNotContain("half-done");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(worktreeList(repository)).doesNotContain(Worktrees.FOLDER));
    }

    @Test
    void aDirectoryThatIsNoRepositoryIsAnInvalidTask() throws Exception {
        Path plain = Files.createDirectories(work.resolve("plain-folder")).toRealPath();
        drop("not-git", "directory: " + plain + "\nworkspace: worktree\n", "WS-NEVER never sent");

        JsonNode record = awaitRecord(deadLetter, "not-git.error.json");
        assertThat(record.path("failure").asText()).isEqualTo("invalid_task");
        assertThat(record.path("message").asText()).isEqualTo("workspace 'worktree' needs a git repository, but " + plain + " is not in one");
        assertThat(record.path("attempts").size()).isZero();
    }

    /** OpenCode's {@code write} tool: a relative path lands in the session's directory. */
    private static Reply writeFile(String path, String content) {
        return Reply.toolCall("write", JSON.createObjectNode().put("filePath", path).put("content", content).toString());
    }
}
