package org.camelopencode.component;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.camelopencode.agent.TokenUsage;
import org.camelopencode.client.OpenCodeClient;
import org.camelopencode.client.Session;
import org.camelopencode.dispatch.AttemptListener;
import org.camelopencode.dispatch.DispatchProgress;
import org.camelopencode.dispatch.DispatchRequest;
import org.camelopencode.dispatch.DispatchResult;
import org.camelopencode.failure.FailureKind;
import org.camelopencode.failure.OpenCodeFailureException;
import org.camelopencode.interaction.Approval;
import org.camelopencode.server.InstanceReport;
import org.camelopencode.task.AttemptRecord;
import org.camelopencode.task.TaskSpec;
import org.camelopencode.workspace.FileChange;
import org.camelopencode.workspace.Git;
import org.camelopencode.workspace.TestRepositories;
import org.camelopencode.workspace.WorkspaceMode;
import org.camelopencode.workspace.WorkspaceRequest;
import org.camelopencode.workspace.Worktrees;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code opencode:dispatch} with a workspace, on real git repositories in temporary folders: the servers are a
 * scripted {@link OpenCodeServers} (the component's seam) whose "agent" edits files in the directory the attempt's
 * request names, so the worktree lifecycle (made per attempt, changes captured, removed or committed after the
 * exchange) is seen through the component exactly as a route sees it. The real server runs in the integration tests.
 */
class WorkspaceDispatchTest {

    private static final Git GIT = TestRepositories.git();

    @TempDir
    Path temp;

    private Path repository;
    private AgentServers servers;
    private DefaultCamelContext context;
    private ProducerTemplate template;

    @BeforeEach
    void start() throws Exception {
        repository = TestRepositories.create(temp.resolve("repo"), "README.md", "hello\n");
        servers = new AgentServers(repository);
        context = new DefaultCamelContext();
        context.addComponent("opencode", new ScriptedComponent(servers));
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                errorHandler(defaultErrorHandler().maximumRedeliveries(1).redeliveryDelay(0));
                from("direct:task").process(exchange -> AttemptHistory.start(exchange, List.of()))
                        .to("opencode:dispatch?serverUrl=http://127.0.0.1:1");
            }
        });
        context.start();
        template = context.createProducerTemplate();
    }

    @AfterEach
    void stop() throws Exception {
        context.close();
    }

    private Exchange run(TaskSpec task) {
        return template.request("direct:task", exchange -> exchange.getMessage().setBody(task));
    }

    private static TaskSpec task(String name, WorkspaceRequest workspace) {
        return TaskSpec.ofPrompt(name, "write " + name).withWorkspace(workspace);
    }

    @Test
    void concurrentTasksEachSeeOnlyTheirOwnEditAndLeaveNoWorktree() throws Exception {
        servers.agent = (request, attempt) -> write(request, "out.txt", request.prompt() + "\n");
        List<CompletableFuture<Exchange>> sent = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            TaskSpec task = task("task " + i, WorkspaceRequest.of(WorkspaceMode.WORKTREE));
            sent.add(template.asyncSend("direct:task", exchange -> exchange.getMessage().setBody(task)));
        }
        for (int i = 0; i < sent.size(); i++) {
            Exchange exchange = sent.get(i).get(60, TimeUnit.SECONDS);
            assertThat(exchange.getException()).isNull();
            WorkspaceOutcome outcome = WorkspaceOutcome.of(exchange);
            assertThat(outcome.fileChanges()).containsExactly(new FileChange("out.txt", "added", 1, 0, null));
            String patch = new String(outcome.changes().patch(), StandardCharsets.UTF_8);
            assertThat(patch).contains("+write task " + i + "\n").doesNotContain("write task " + (i + 1) % 6 + "\n");
            Path patchFile = Files.write(temp.resolve("p" + i + ".patch"), outcome.changes().patch());
            assertThat(GIT.succeeds(repository, "apply", "--check", patchFile.toString())).isTrue();
            assertThat(outcome.workspace().branch()).isEqualTo("opencode/task-" + i + "-1");
            assertThat(outcome.workspace().base()).isEqualTo(GIT.run(repository, "rev-parse", "HEAD").strip());
            assertThat(outcome.workspace().directory()).isEqualTo(repository.toString());
            assertThat(exchange.getMessage().getHeader(OpenCodeConstants.BRANCH)).isEqualTo("opencode/task-" + i + "-1");
            assertThat(AttemptHistory.of(exchange)).singleElement().extracting(AttemptRecord::changes)
                    .isEqualTo(outcome.fileChanges());
        }
        assertThat(servers.directories).hasSize(6).allSatisfy(directory ->
                assertThat(directory).startsWithRaw(repository.resolve(".git").resolve(Worktrees.FOLDER)));
        assertNoWorktreeOrBranchLeft();
    }

    @Test
    void aRetryStartsCleanAndTheFailedAttemptsChangesAreInItsEntry() throws Exception {
        servers.agent = (request, attempt) -> {
            if (attempt == 1) {
                write(request, "half-done.txt", "first attempt\n");
                return CompletableFuture.failedFuture(new OpenCodeFailureException(FailureKind.TIMEOUT, "too slow", "ses_1", null, null));
            }
            if (Files.exists(request.directory().resolve("half-done.txt"))) {
                return CompletableFuture.failedFuture(new IllegalStateException("the retry sees the first attempt's edit"));
            }
            return write(request, "done.txt", "second attempt\n");
        };
        Exchange exchange = run(task("retry", WorkspaceRequest.of(WorkspaceMode.WORKTREE)));

        assertThat(exchange.getException()).isNull();
        List<AttemptRecord> attempts = AttemptHistory.of(exchange);
        assertThat(attempts).extracting(AttemptRecord::outcome).containsExactly("timeout", "completed");
        assertThat(attempts).extracting(AttemptRecord::branch).containsExactly("opencode/retry-1", "opencode/retry-2");
        assertThat(attempts.get(0).changes()).containsExactly(new FileChange("half-done.txt", "added", 1, 0, null));
        assertThat(attempts.get(1).changes()).containsExactly(new FileChange("done.txt", "added", 1, 0, null));
        assertThat(WorkspaceOutcome.of(exchange).fileChanges()).isEqualTo(attempts.get(1).changes());
        assertNoWorktreeOrBranchLeft();
    }

    @Test
    void aCommitLeavesABranchWithExactlyTheChangeAndMainUntouched() throws Exception {
        String main = GIT.run(repository, "rev-parse", "main").strip();
        servers.agent = (request, attempt) -> write(request, "feature.txt", "new feature\n");
        Exchange exchange = run(task("feature", new WorkspaceRequest(WorkspaceMode.WORKTREE, "main", true, null, false)));

        assertThat(exchange.getException()).isNull();
        String commit = exchange.getMessage().getHeader(OpenCodeConstants.COMMIT, String.class);
        assertThat(WorkspaceOutcome.of(exchange).commit()).isEqualTo(commit);
        assertThat(GIT.run(repository, "rev-parse", "opencode/feature-1").strip()).isEqualTo(commit);
        assertThat(GIT.run(repository, "show", "--format=%s|%an <%ae>|%P", "--name-status", commit))
                .startsWith("feature|camel-opencode <camel-opencode@localhost>|" + main).contains("A\tfeature.txt")
                .doesNotContain("README");
        assertThat(GIT.run(repository, "rev-parse", "main").strip()).isEqualTo(main);
        assertThat(GIT.run(repository, "status", "--porcelain")).isEmpty();
        assertThat(GIT.run(repository, "worktree", "list", "--porcelain")).doesNotContain(Worktrees.FOLDER);
    }

    @Test
    void keepLeavesTheWorktreeAndBranchForAPerson() throws Exception {
        servers.agent = (request, attempt) -> write(request, "look.txt", "look at me\n");
        Exchange exchange = run(task("look", new WorkspaceRequest(WorkspaceMode.WORKTREE, null, false, null, true)));

        assertThat(exchange.getException()).isNull();
        Path kept = repository.resolve(".git").resolve(Worktrees.FOLDER).resolve("look-1");
        assertThat(kept.resolve("look.txt")).hasContent("look at me");
        assertThat(GIT.run(repository, "worktree", "list", "--porcelain")).contains(kept.toString()).doesNotContain("locked");
        assertThat(GIT.run(repository, "branch", "--list", "opencode/look-1")).isNotBlank();
    }

    @Test
    void badWorkspaceInputIsAnInvalidTaskAndNothingIsDispatched() throws Exception {
        servers.agent = (request, attempt) -> write(request, "x.txt", "x\n");
        Exchange badBase = run(task("bad", new WorkspaceRequest(WorkspaceMode.WORKTREE, "no-such-branch", false, null, false)));
        assertThat(badBase.getException()).isInstanceOf(OpenCodeFailureException.class)
                .hasMessage("invalid_task: base 'no-such-branch' does not resolve to a commit in " + repository);

        servers.projectDirectory = Files.createDirectories(temp.resolve("not-a-repository"));
        Exchange notGit = run(task("plain", WorkspaceRequest.of(WorkspaceMode.WORKTREE)));
        assertThat(notGit.getException()).hasMessage("invalid_task: workspace 'worktree' needs a git repository, but "
                + servers.projectDirectory + " is not in one");

        Exchange unknown = template.request("direct:task", exchange -> {
            exchange.getMessage().setBody("write");
            exchange.getMessage().setHeader(OpenCodeConstants.WORKSPACE, "elsewhere");
        });
        assertThat(unknown.getException()).hasMessage("invalid_task: CamelOpenCodeWorkspace must be 'shared' or 'worktree', got 'elsewhere'");
        assertThat(servers.dispatches).as("nothing dispatched").hasValue(0);
    }

    @Test
    void sharedTasksOnOneDirectoryRunOneAtATime() throws Exception {
        AtomicInteger running = new AtomicInteger();
        Set<Integer> seen = ConcurrentHashMap.newKeySet();
        servers.agent = (request, attempt) -> {
            seen.add(running.incrementAndGet());
            return CompletableFuture.supplyAsync(() -> {
                running.decrementAndGet();
                return result(request);
            }, CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS));
        };
        List<CompletableFuture<Exchange>> sent = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            sent.add(template.asyncSend("direct:task", exchange -> {
                exchange.getMessage().setBody("work");
                exchange.getMessage().setHeader(OpenCodeConstants.WORKSPACE, "shared");
            }));
        }
        for (CompletableFuture<Exchange> each : sent) {
            Exchange exchange = each.get(60, TimeUnit.SECONDS);
            assertThat(exchange.getException()).isNull();
            assertThat(WorkspaceOutcome.of(exchange).workspace().mode()).isEqualTo("shared");
            assertThat(WorkspaceOutcome.of(exchange).fileChanges()).as("shared lists no changes").isNull();
        }
        assertThat(seen).as("never two attempts in the directory at once").containsExactly(1);
        assertThat(servers.directories).as("the directory itself").allSatisfy(directory -> assertThat(directory).isNull());
    }

    private void assertNoWorktreeOrBranchLeft() {
        assertThat(GIT.run(repository, "worktree", "list", "--porcelain")).doesNotContain(Worktrees.FOLDER);
        assertThat(GIT.run(repository, "branch", "--list", "opencode/*")).isEmpty();
        assertThat(GIT.run(repository, "status", "--porcelain")).isEmpty();
    }

    private static CompletableFuture<DispatchResult> write(DispatchRequest request, String file, String content) {
        try {
            Files.writeString(request.directory().resolve(file), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return CompletableFuture.completedFuture(result(request));
    }

    private static DispatchResult result(DispatchRequest request) {
        return new DispatchResult("ses_" + request.attempt(), "msg_1", "prov/model", "build", "done", null,
                new TokenUsage(10, 2, 0, 0, 0), 0.5, "stop", Duration.ofMillis(20));
    }

    /** What the scripted agent does in an attempt. */
    interface Agent {
        CompletableFuture<DispatchResult> attempt(DispatchRequest request, int attempt);
    }

    /** Servers whose project directory is the test's repository and whose agent is scripted per test. */
    private static final class AgentServers extends DispatchOnlyServers {
        private final AtomicInteger dispatches = new AtomicInteger();
        private final List<Path> directories = new CopyOnWriteArrayList<>();
        private volatile Path projectDirectory;
        private volatile Agent agent;

        private AgentServers(Path projectDirectory) {
            this.projectDirectory = projectDirectory;
        }

        @Override
        public CompletableFuture<DispatchResult> dispatch(DispatchRequest request, AttemptListener listener) {
            dispatches.incrementAndGet();
            directories.add(request.directory());
            listener.sessionCreated("scripted", "ses_" + request.attempt());
            return agent.attempt(request, request.attempt());
        }

        @Override
        public Optional<Path> projectDirectory() {
            return Optional.of(projectDirectory);
        }
    }
}
