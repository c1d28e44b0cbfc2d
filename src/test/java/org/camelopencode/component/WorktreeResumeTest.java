package org.camelopencode.component;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.camelopencode.agent.TokenUsage;
import org.camelopencode.dispatch.AttemptListener;
import org.camelopencode.dispatch.DispatchRequest;
import org.camelopencode.dispatch.DispatchResult;
import org.camelopencode.ledger.DispatchLedger;
import org.camelopencode.ledger.DispatchStatus;
import org.camelopencode.ledger.LedgerEntry;
import org.camelopencode.ledger.LedgerSettings;
import org.camelopencode.ledger.RecordedWorktree;
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
 * A task with {@code workspace: worktree} whose runner died while its session ran, delivered again to a new component
 * on the same H2 ledger and real git repository: the re-attach goes on in the worktree the dead runner recorded (kept by
 * the new runner's sweep, adopted, the agent's edits so far in it), so the result lists everything the agent changed;
 * when that worktree is gone, the old entry is failed as lost and the task starts again in a fresh worktree. The
 * servers are the component's seam, scripted: the "agent" writes into the directory the request names.
 */
class WorktreeResumeTest {

    private static final Git GIT = TestRepositories.git();
    private static final String KEY = "fix.md#c0ffee";

    @TempDir
    Path temp;

    private Path repository;
    private Path folder;
    private String base;
    private DispatchLedger ledger;
    private ResumingServers servers;
    private DefaultCamelContext context;
    private ProducerTemplate template;

    @BeforeEach
    void start() throws Exception {
        repository = TestRepositories.create(temp.resolve("repo"), "README.md", "hello\n");
        folder = repository.resolve(".git").resolve(Worktrees.FOLDER);
        base = GIT.run(repository, "rev-parse", "HEAD").strip();
        ledger = DispatchLedger.open(new LedgerSettings("jdbc:h2:file:" + temp.resolve("ledger").toAbsolutePath(), null, null));
        servers = new ResumingServers(repository);
    }

    /** The new runner: a component on the same ledger, started after the dead runner's entry was written. */
    private void startRunner() throws Exception {
        ScriptedComponent component = new ScriptedComponent(servers);
        component.setLedger(ledger);
        context = new DefaultCamelContext();
        context.addComponent("opencode", component);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:task").process(exchange -> AttemptHistory.start(exchange, List.of()))
                        .to("opencode:dispatch?serverUrl=http://127.0.0.1:1");
            }
        });
        context.start();
        template = context.createProducerTemplate();
    }

    @AfterEach
    void stop() throws Exception {
        if (context != null) {
            context.close();
        }
        ledger.close();
    }

    private Exchange deliverAgain() {
        TaskSpec task = TaskSpec.ofPrompt("fix", "fix the bug").withWorkspace(WorkspaceRequest.of(WorkspaceMode.WORKTREE));
        return template.request("direct:task", exchange -> {
            exchange.getMessage().setBody(task);
            exchange.getMessage().setHeader(OpenCodeConstants.TASK_KEY, KEY);
        });
    }

    /** What the dead runner left: its entry with session and worktree, the worktree locked by a process that is gone. */
    private long deadRunnersEntry(Path worktree, boolean make) throws Exception {
        if (make) {
            GIT.run(repository, "worktree", "add", "--quiet", "--lock", "--reason", Worktrees.OWNER_PREFIX + deadPid() + " on "
                    + hostName(), "-b", "opencode/fix-1", worktree.toString(), base);
            Files.writeString(worktree.resolve("half-done.txt"), "the agent's edit before the crash\n");
        }
        long id = ledger.begin(KEY, "fix", null, null, 1, "prov/model", new RecordedWorktree(worktree.toString(), "opencode/fix-1", base));
        ledger.attachSession(id, "scripted", "ses_dead");
        return id;
    }

    @Test
    void theReattachGoesOnInTheDeadRunnersWorktreeAndTheResultListsEveryEdit() throws Exception {
        Path recorded = folder.resolve("fix-1");
        long id = deadRunnersEntry(recorded, true);
        startRunner();

        Exchange exchange = deliverAgain();

        assertThat(exchange.getException()).isNull();
        assertThat(servers.attached).as("re-attached in the recorded worktree").containsExactly(recorded);
        assertThat(servers.dispatched).as("no second session").isEmpty();
        assertThat(WorkspaceOutcome.of(exchange).fileChanges()).containsExactlyInAnyOrder(
                new FileChange("half-done.txt", "added", 1, 0, null), new FileChange("rest.txt", "added", 1, 0, null));
        assertThat(WorkspaceOutcome.of(exchange).workspace().branch()).isEqualTo("opencode/fix-1");
        assertThat(exchange.getMessage().getHeader(OpenCodeConstants.BRANCH)).isEqualTo("opencode/fix-1");
        assertThat(ledger.history(KEY)).singleElement().satisfies(entry -> {
            assertThat(entry.id()).isEqualTo(id);
            assertThat(entry.status()).isEqualTo(DispatchStatus.COMPLETED);
        });
        assertThat(GIT.run(repository, "worktree", "list", "--porcelain")).as("both worktrees removed").doesNotContain(Worktrees.FOLDER);
        assertThat(GIT.run(repository, "branch", "--list", "opencode/*")).isEmpty();
    }

    @Test
    void aRecordedWorktreeThatIsGoneFailsTheOldEntryAsLostAndTheTaskStartsAgainInAFreshOne() throws Exception {
        Path gone = folder.resolve("fix-1");
        long id = deadRunnersEntry(gone, false);
        startRunner();

        Exchange exchange = deliverAgain();

        assertThat(exchange.getException()).isNull();
        assertThat(servers.attached).as("nothing to re-attach to").isEmpty();
        assertThat(servers.dispatched).hasSize(1);
        assertThat(WorkspaceOutcome.of(exchange).fileChanges()).containsExactly(new FileChange("rest.txt", "added", 1, 0, null));
        List<LedgerEntry> history = ledger.history(KEY);
        assertThat(history).hasSize(2);
        assertThat(history.get(0).id()).isEqualTo(id);
        assertThat(history.get(0).status()).isEqualTo(DispatchStatus.FAILED);
        assertThat(history.get(0).failureKind()).isEqualTo("provider_unavailable");
        assertThat(history.get(0).errorMessage()).isEqualTo("lost: its runner stopped and its worktree " + gone
                + " is gone, with the agent's uncommitted edits; the task starts again");
        assertThat(history.get(1).status()).isEqualTo(DispatchStatus.COMPLETED);
        assertThat(history.get(1).worktree()).as("the fresh attempt's worktree is recorded").isNotNull()
                .satisfies(worktree -> assertThat(Path.of(worktree.directory())).isEqualTo(servers.dispatched.get(0)));
    }

    private static String hostName() throws IOException {
        return java.net.InetAddress.getLocalHost().getHostName();
    }

    /** A pid no process has now: one of a process that ran and ended. */
    private static long deadPid() throws Exception {
        Process process = new ProcessBuilder("true").start();
        process.waitFor();
        return process.pid();
    }

    private static DispatchResult result(String session) {
        return new DispatchResult(session, "msg_1", "prov/model", "build", "done", null, new TokenUsage(10, 2, 0, 0, 0), 0.5, "stop",
                Duration.ofMillis(20));
    }

    /** Servers whose "agent" finishes the task by writing rest.txt where the request says, fresh or re-attached. */
    private static final class ResumingServers extends DispatchOnlyServers {
        private final Path projectDirectory;
        private final List<Path> attached = new CopyOnWriteArrayList<>();
        private final List<Path> dispatched = new CopyOnWriteArrayList<>();

        private ResumingServers(Path projectDirectory) {
            this.projectDirectory = projectDirectory;
        }

        @Override
        public CompletableFuture<DispatchResult> dispatch(DispatchRequest request, AttemptListener listener) {
            dispatched.add(request.directory());
            listener.sessionCreated("scripted", "ses_fresh");
            return finish(request, "ses_fresh");
        }

        @Override
        public CompletableFuture<DispatchResult> attach(DispatchRequest request, String serverName, String sessionId) {
            attached.add(request.directory());
            return finish(request, sessionId);
        }

        private static CompletableFuture<DispatchResult> finish(DispatchRequest request, String session) {
            try {
                Files.writeString(request.directory().resolve("rest.txt"), "the rest of the fix\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return CompletableFuture.completedFuture(result(session));
        }

        @Override
        public Optional<Path> projectDirectory() {
            return Optional.of(projectDirectory);
        }
    }
}
