package org.camelopencode.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.camelopencode.client.EventListener;
import org.camelopencode.client.OpenCodeClient;
import org.camelopencode.client.OpenCodeEvent;
import org.camelopencode.client.Session;
import org.camelopencode.client.SessionIdle;
import org.camelopencode.client.Subscription;
import org.camelopencode.component.OpenCodeComponent;
import org.camelopencode.component.OpenCodeConstants;
import org.camelopencode.dispatch.DispatchResult;
import org.camelopencode.failure.FailureKind;
import org.camelopencode.failure.OpenCodeFailureException;
import org.camelopencode.task.TaskSpec;
import org.camelopencode.testkit.Reply;
import org.camelopencode.testkit.RequestMatcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Per-task directories on ONE real server (issue 15 item 1): every call of a task's session carries
 * {@code ?directory=}, so a session is created in, edits, and is judged in its task's directory, and the one
 * {@code GET /global/event} connection carries every directory's events.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TaskDirectoryIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private Path temp;
    private SharedOpenCode openCode;
    private CamelContext camel;
    private ProducerTemplate template;
    private OpenCodeClient client;
    private Path root;
    private Path repoA;
    private Path repoB;

    @BeforeAll
    void startCamel() throws Exception {
        openCode = SharedOpenCode.get();
        temp = Files.createTempDirectory("task-directory-it-").toRealPath();
        root = Files.createDirectories(temp.resolve("workspaces"));
        repoA = gitRepository(root.resolve("repo-a"));
        repoB = gitRepository(root.resolve("repo-b"));
        openCode.model().when(RequestMatcher.promptContains("D-WRITE-A")).reply(
                Reply.writeFile("from-a.txt", "written by task A"), Reply.text("A wrote its file"));
        openCode.model().when(RequestMatcher.promptContains("D-WRITE-B")).reply(
                Reply.writeFile("from-b.txt", "written by task B"), Reply.text("B wrote its file"));
        openCode.model().when(RequestMatcher.promptContains("D-RELATIVE")).reply(Reply.text("relative is fine"));
        openCode.model().when(RequestMatcher.promptContains("D-NEVER")).reply(Reply.text("must never be asked"));
        camel = new DefaultCamelContext();
        OpenCodeComponent component = openCode.newComponent("PT60S");
        component.getConfiguration().setWorkspacesRoot(root.toString());
        camel.addComponent("opencode", component);
        camel.start();
        template = camel.createProducerTemplate();
        client = openCode.newClient();
    }

    @AfterAll
    void stopCamel() {
        if (camel != null) {
            camel.stop();
        }
        if (client != null) {
            client.close();
        }
    }

    /** A git repository with one commit, so OpenCode sees it as its own project. */
    private static Path gitRepository(Path folder) throws Exception {
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("README.md"), "# " + folder.getFileName() + "\n");
        run(folder, "git", "init", "-q");
        run(folder, "git", "-c", "user.name=test", "-c", "user.email=test@example.com", "add", ".");
        run(folder, "git", "-c", "user.name=test", "-c", "user.email=test@example.com", "commit", "-q", "-m", "initial");
        return folder.toRealPath();
    }

    private static void run(Path folder, String... command) throws Exception {
        Process process = new ProcessBuilder(command).directory(folder.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor()).as("%s: %s", String.join(" ", command), output).isZero();
    }

    @Test
    void twoTasksOnTwoDirectoriesOfOneServerEachWriteOnlyTheirOwnFile() throws Exception {
        List<String> idleDirectories = new CopyOnWriteArrayList<>();
        List<String> seenTypes = new CopyOnWriteArrayList<>();
        Subscription all = client.eventStream().subscribe(null, new EventListener() {
            @Override
            public void onEvent(OpenCodeEvent event) {
                onEvent(event, null);
            }

            @Override
            public void onEvent(OpenCodeEvent event, String directory) {
                seenTypes.add(event.type());
                if (event instanceof SessionIdle) {
                    idleDirectories.add(event.sessionId() + " " + directory);
                }
            }
        });
        try {
            CompletableFuture<DispatchResult> taskA = template.asyncRequestBody("opencode:dispatch",
                    TaskSpec.ofPrompt("task-a", "D-WRITE-A write your file").withDirectory(repoA.toString()), DispatchResult.class);
            CompletableFuture<DispatchResult> taskB = template.asyncRequestBody("opencode:dispatch",
                    TaskSpec.ofPrompt("task-b", "D-WRITE-B write your file").withDirectory("repo-b"), DispatchResult.class);
            DispatchResult resultA = taskA.get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            DispatchResult resultB = taskB.get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);

            assertThat(resultA.text()).isEqualTo("A wrote its file");
            assertThat(resultB.text()).isEqualTo("B wrote its file");
            assertThat(repoA.resolve("from-a.txt")).hasContent("written by task A");
            assertThat(repoB.resolve("from-b.txt")).hasContent("written by task B");
            assertThat(repoA.resolve("from-b.txt")).doesNotExist();
            assertThat(repoB.resolve("from-a.txt")).doesNotExist();
            Path serverProject = openCode.server().projectDirectory();
            assertThat(serverProject.resolve("from-a.txt")).doesNotExist();
            assertThat(serverProject.resolve("from-b.txt")).doesNotExist();

            // The server's record of each session: created in, and still read from, its task's directory.
            Session sessionA = client.inDirectory(repoA).session(resultA.sessionId());
            Session sessionB = client.inDirectory(repoB).session(resultB.sessionId());
            assertThat(Path.of(sessionA.directory())).isEqualTo(repoA);
            assertThat(Path.of(sessionB.directory())).isEqualTo(repoB);

            // One GET /global/event connection carried both directories' events, each frame naming its directory.
            await().atMost(WAIT).untilAsserted(() -> assertThat(idleDirectories)
                    .contains(resultA.sessionId() + " " + repoA, resultB.sessionId() + " " + repoB));
            assertThat(seenTypes).doesNotContain("sync");
        } finally {
            all.close();
        }
    }

    @Test
    void theHeaderNamesADirectoryRelativeToTheWorkspacesRoot() throws Exception {
        DispatchResult result = template.requestBodyAndHeader("opencode:dispatch", "D-RELATIVE answer", OpenCodeConstants.DIRECTORY,
                "repo-a/../repo-a", DispatchResult.class);

        assertThat(result.text()).isEqualTo("relative is fine");
        assertThat(Path.of(client.inDirectory(repoA).session(result.sessionId()).directory())).isEqualTo(repoA);
    }

    @Test
    void aMissingDirectoryOrOneOutsideTheRootIsAnInvalidTaskAndNeverDispatched() throws Exception {
        Path outside = Files.createDirectories(temp.resolve("outside"));
        Files.createSymbolicLink(root.resolve("escape"), outside);
        int requestsBefore = openCode.model().requests().size();

        for (String directory : List.of("repo-missing", outside.toString(), "escape", "../outside")) {
            assertThatThrownBy(() -> template.requestBody("opencode:dispatch",
                    TaskSpec.ofPrompt("bad", "D-NEVER answer").withDirectory(directory), DispatchResult.class))
                    .as(directory)
                    .isInstanceOf(CamelExecutionException.class)
                    .cause().isInstanceOfSatisfying(OpenCodeFailureException.class, failure -> {
                        assertThat(failure.getKind()).isEqualTo(FailureKind.INVALID_TASK);
                        assertThat(failure.getSessionId()).isNull();
                        assertThat(failure.getMessage()).contains("directory '" + directory + "'");
                    });
        }
        assertThat(openCode.model().requests().subList(requestsBefore, openCode.model().requests().size()))
                .noneSatisfy(request -> assertThat(request.messagesJson()).contains("D-NEVER"));
    }
}
