package org.camelopencode.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.camelopencode.testkit.Reply;
import org.camelopencode.testkit.RequestMatcher;
import org.camelopencode.workspace.Git;
import org.camelopencode.workspace.Worktrees;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped {@code routes/repository.yaml} on the runner's embedded broker, against the real server and the scripted
 * model: a JMS message {@code {"directory", "prompt", "workspace": "worktree", "commit": true}} becomes a committed
 * branch and a result message listing the changes.
 */
class RepositoryRouteIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Git GIT = new Git();

    @TempDir
    Path temp;

    private Main runner;

    @AfterEach
    void stop() {
        if (runner != null) {
            runner.stop();
        }
    }

    @Test
    void aMessageBecomesACommittedBranchAndAResultWithItsChanges() throws Exception {
        SharedOpenCode openCode = SharedOpenCode.get();
        Path repository = Files.createDirectories(temp.resolve("service"));
        Files.writeString(repository.resolve("Service.java"), "class Service {}\n");
        GIT.run(repository, "init", "--quiet", "--initial-branch=main");
        GIT.run(repository, "add", "-A");
        GIT.run(repository, "-c", "user.name=test", "-c", "user.email=test@example.com", "commit", "--quiet", "-m", "initial");
        repository = repository.toRealPath();
        String main = GIT.run(repository, "rev-parse", "main").strip();
        openCode.model().when(RequestMatcher.promptContains("WS-REPO-ROUTE")).reply(
                writeFile("ServiceTest.java", "class ServiceTest {}\n"), Reply.text("added the test"));

        runner = openCode.newRunner(temp.resolve("work"));
        runner.addOverrideProperty("opencode.timeout", "PT90S");
        runner.addOverrideProperty("opencode.repository.enabled", "true");
        runner.start();
        CamelContext camel = runner.getCamelContext();

        String task = JSON.createObjectNode().put("directory", repository.toString()).put("prompt", "WS-REPO-ROUTE add a test")
                .put("workspace", "worktree").put("commit", true).toString();
        camel.createProducerTemplate().sendBodyAndHeader("jms:queue:opencode.repository.tasks", task, "OpenCodeTaskName", "add-test");
        String body = camel.createConsumerTemplate().receiveBody("jms:queue:opencode.repository.results", 150_000, String.class);

        assertThat(body).as("a result message").isNotNull();
        JsonNode record = JSON.readTree(body);
        assertThat(record.path("status").asText()).isEqualTo("completed");
        assertThat(record.path("changes").toString())
                .isEqualTo("[{\"file\":\"ServiceTest.java\",\"status\":\"added\",\"additions\":1,\"deletions\":0}]");
        assertThat(record.path("branch").asText()).isEqualTo("opencode/add-test-1");
        assertThat(record.has("patch")).as("a message trigger writes no patch file").isFalse();
        String commit = record.path("commit").asText();
        assertThat(GIT.run(repository, "rev-parse", "opencode/add-test-1").strip()).isEqualTo(commit);
        assertThat(GIT.run(repository, "diff", "--name-status", main, commit)).isEqualTo("A\tServiceTest.java\n");
        assertThat(GIT.run(repository, "rev-parse", "main").strip()).isEqualTo(main);
        assertThat(GIT.run(repository, "worktree", "list", "--porcelain")).doesNotContain(Worktrees.FOLDER);
    }

    /** OpenCode's {@code write} tool: a relative path lands in the session's directory. */
    private static Reply writeFile(String path, String content) {
        return Reply.toolCall("write", JSON.createObjectNode().put("filePath", path).put("content", content).toString());
    }
}
