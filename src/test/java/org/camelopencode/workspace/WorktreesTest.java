package org.camelopencode.workspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Worktrees, changes and commits against real git repositories in temporary folders. */
class WorktreesTest {

    private final Git git = TestRepositories.git();
    private final Worktrees worktrees = new Worktrees(git);
    private final WorktreeChanges changes = new WorktreeChanges(git);

    @TempDir
    Path temp;

    @Test
    void eachAttemptGetsAFreshWorktreeOnItsOwnBranchFromTheBase() throws IOException {
        Path repository = TestRepositories.create(temp.resolve("repo"), "README.md", "hello\n");
        String head = git.run(repository, "rev-parse", "HEAD").strip();

        Worktree first = worktrees.create(repository, "Fix Bug", 1, "HEAD");
        Files.writeString(first.directory().resolve("edit.txt"), "first attempt\n");
        Worktree second = worktrees.create(repository, "Fix Bug", 2, "main");

        assertThat(first.branch()).isEqualTo("opencode/fix-bug-1");
        assertThat(second.branch()).isEqualTo("opencode/fix-bug-2");
        assertThat(first.base()).isEqualTo(head);
        assertThat(first.directory()).isEqualTo(repository.resolve(".git").resolve(Worktrees.FOLDER).resolve("fix-bug-1"));
        assertThat(second.directory().resolve("edit.txt")).as("the retry starts clean").doesNotExist();
        assertThat(second.directory().resolve("README.md")).hasContent("hello");
        assertThat(git.run(repository, "status", "--porcelain")).as("the main tree sees nothing").isEmpty();

        worktrees.remove(first, false);
        worktrees.remove(second, false);
        assertThat(first.directory()).doesNotExist();
        assertThat(git.run(repository, "branch", "--list", "opencode/*")).isEmpty();
        assertThat(git.run(repository, "worktree", "list", "--porcelain")).doesNotContain(Worktrees.FOLDER);
    }

    @Test
    void aTakenBranchNameGetsASuffix() throws IOException {
        Path repository = TestRepositories.create(temp.resolve("repo"), "a.txt", "a\n");
        git.run(repository, "branch", "opencode/task-1");
        Worktree worktree = worktrees.create(repository, "task", 1, "HEAD");
        assertThat(worktree.branch()).isEqualTo("opencode/task-1-2");
        worktrees.remove(worktree, false);
        assertThat(git.run(repository, "branch", "--list", "opencode/*").strip()).isEqualTo("opencode/task-1");
    }

    @Test
    void badInputIsAWorkspaceException() throws IOException {
        Path plain = Files.createDirectories(temp.resolve("plain"));
        Path repository = TestRepositories.create(temp.resolve("repo"), "a.txt", "a\n");
        assertThatThrownBy(() -> worktrees.create(plain, "t", 1, "HEAD")).isInstanceOf(WorkspaceException.class)
                .hasMessage("workspace 'worktree' needs a git repository, but " + plain + " is not in one");
        assertThatThrownBy(() -> worktrees.create(temp.resolve("missing"), "t", 1, "HEAD")).isInstanceOf(WorkspaceException.class)
                .hasMessageContaining("needs an existing directory");
        assertThatThrownBy(() -> worktrees.create(repository, "t", 1, "no-such-branch")).isInstanceOf(WorkspaceException.class)
                .hasMessage("base 'no-such-branch' does not resolve to a commit in " + repository);
        assertThatThrownBy(() -> worktrees.create(repository, "t", 1, "--output=/tmp/x")).isInstanceOf(WorkspaceException.class);
    }

    @Test
    void aFolderInsideTheRepositoryWorksInTheSameFolderOfTheWorktree() throws IOException {
        Path repository = TestRepositories.create(temp.resolve("repo"), "module/a.txt", "a\n");
        Worktree worktree = worktrees.create(repository.resolve("module"), "t", 1, "HEAD");
        assertThat(worktree.repository()).isEqualTo(repository);
        assertThat(Worktrees.workingDirectory(worktree, repository.resolve("module"))).isEqualTo(worktree.directory().resolve("module"));
        assertThat(Worktrees.workingDirectory(worktree, repository)).isEqualTo(worktree.directory());
        worktrees.remove(worktree, false);
    }

    @Test
    void changesListEveryKindOfEditAndThePatchAppliesOnTheBase() throws IOException {
        Path repository = TestRepositories.create(temp.resolve("repo"), "keep.txt", "one\ntwo\n", "gone.txt", "bye\n",
                "moved.txt", "a\nb\nc\nd\ne\nf\ng\nh\n");
        Worktree worktree = worktrees.create(repository, "edits", 1, "HEAD");
        Path tree = worktree.directory();
        Files.writeString(tree.resolve("keep.txt"), "one\nTWO\nthree\n");
        Files.delete(tree.resolve("gone.txt"));
        Files.move(tree.resolve("moved.txt"), Files.createDirectories(tree.resolve("dir")).resolve("moved.txt"));
        Files.writeString(tree.resolve("untracked.txt"), "new\n");
        Files.write(tree.resolve("blob.bin"), new byte[] {0, 1, 2, (byte) 0xff, 0, 3});

        CapturedChanges captured = changes.capture(worktree);

        assertThat(captured.changes()).containsExactlyInAnyOrder(
                new FileChange("keep.txt", "modified", 2, 1, null),
                new FileChange("gone.txt", "deleted", 0, 1, null),
                new FileChange("dir/moved.txt", "renamed", 0, 0, "moved.txt"),
                new FileChange("untracked.txt", "added", 1, 0, null),
                new FileChange("blob.bin", "added", 0, 0, null));
        Path patch = temp.resolve("edits.patch");
        Files.write(patch, captured.patch());
        assertThat(git.succeeds(repository, "apply", "--check", patch.toString())).as("git apply --check on the base").isTrue();
        git.run(repository, "apply", "--index", patch.toString());
        assertThat(repository.resolve("blob.bin")).hasBinaryContent(new byte[] {0, 1, 2, (byte) 0xff, 0, 3});
        assertThat(repository.resolve("dir/moved.txt")).exists();
        worktrees.remove(worktree, false);
    }

    @Test
    void nothingChangedIsNoChangesAndNoPatch() throws IOException {
        Path repository = TestRepositories.create(temp.resolve("repo"), "a.txt", "a\n");
        Worktree worktree = worktrees.create(repository, "idle", 1, "HEAD");
        assertThat(changes.capture(worktree)).isSameAs(CapturedChanges.NONE);
        worktrees.remove(worktree, false);
    }

    @Test
    void aCommitHoldsExactlyTheChangeOnTheKeptBranchAndMainIsUntouched() throws IOException {
        Path repository = TestRepositories.create(temp.resolve("repo"), "a.txt", "a\n");
        String main = git.run(repository, "rev-parse", "main").strip();
        Worktree worktree = worktrees.create(repository, "commit me", 1, "HEAD");
        Files.writeString(worktree.directory().resolve("b.txt"), "b\n");
        changes.capture(worktree);

        String sha = changes.commit(worktree, "Add b", new GitIdentity("Agent", "agent@example.com"));
        worktrees.remove(worktree, true);

        assertThat(git.run(repository, "rev-parse", "opencode/commit-me-1").strip()).isEqualTo(sha);
        assertThat(git.run(repository, "show", "--format=%an <%ae>|%s", "--name-status", sha))
                .startsWith("Agent <agent@example.com>|Add b").contains("A\tb.txt");
        assertThat(git.run(repository, "diff", "--name-only", main, sha).strip()).isEqualTo("b.txt");
        assertThat(git.run(repository, "rev-parse", "main").strip()).isEqualTo(main);
        assertThat(git.run(repository, "status", "--porcelain")).isEmpty();
    }

    @Test
    void concurrentAttemptsOnOneRepositoryEachSeeOnlyTheirOwnEdit() throws Exception {
        Path repository = TestRepositories.create(temp.resolve("repo"), "a.txt", "a\n");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<CapturedChanges>> runs = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                int task = i;
                runs.add(CompletableFuture.supplyAsync(() -> {
                    Worktree worktree = worktrees.create(repository, "same", task + 1, "HEAD");
                    try {
                        Files.writeString(worktree.directory().resolve("out.txt"), "task " + task + "\n");
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    CapturedChanges captured = changes.capture(worktree);
                    worktrees.remove(worktree, false);
                    return captured;
                }, pool));
            }
            for (int i = 0; i < runs.size(); i++) {
                CapturedChanges captured = runs.get(i).join();
                assertThat(captured.changes()).containsExactly(new FileChange("out.txt", "added", 1, 0, null));
                assertThat(new String(captured.patch(), java.nio.charset.StandardCharsets.UTF_8)).contains("+task " + i + "\n");
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(git.run(repository, "worktree", "list", "--porcelain")).doesNotContain(Worktrees.FOLDER);
    }

    @Test
    void theSweepRemovesWorktreesOfADeadRunnerAndLeavesLiveAndKeptOnes() throws IOException {
        Path repository = TestRepositories.create(temp.resolve("repo"), "a.txt", "a\n");
        Path folder = repository.resolve(".git").resolve(Worktrees.FOLDER);
        long deadPid = deadPid();
        String host = Worktrees.hostName();
        // made first: a repository's first worktree sweeps it
        Worktree live = worktrees.create(repository, "live", 1, "HEAD");
        Worktree kept = worktrees.create(repository, "kept", 1, "HEAD");
        worktrees.keep(kept);
        git.run(repository, "worktree", "add", "--quiet", "--lock", "--reason", Worktrees.OWNER_PREFIX + deadPid + " on " + host,
                "-b", "opencode/crashed-1", folder.resolve("crashed-1").toString(), "HEAD");
        git.run(repository, "worktree", "add", "--quiet", "--lock", "--reason", Worktrees.OWNER_PREFIX + deadPid + " on " + host,
                "-b", "opencode/crashed-own-1", folder.resolve("crashed-own-1").toString(), "HEAD");
        git.run(folder.resolve("crashed-own-1"), "-c", "user.name=t", "-c", "user.email=t@t", "commit", "--quiet", "--allow-empty", "-m", "own");
        git.run(repository, "worktree", "add", "--quiet", "--lock", "--reason", Worktrees.OWNER_PREFIX + deadPid + " on another-host",
                "-b", "opencode/elsewhere-1", folder.resolve("elsewhere-1").toString(), "HEAD");

        int removed = new Worktrees(git).sweep(repository); // another runner's start

        assertThat(removed).isEqualTo(2);
        assertThat(folder.resolve("crashed-1")).doesNotExist();
        assertThat(folder.resolve("crashed-own-1")).doesNotExist();
        assertThat(folder.resolve("elsewhere-1")).exists();
        assertThat(live.directory()).exists();
        assertThat(kept.directory()).exists();
        String branches = git.run(repository, "branch", "--list", "opencode/*");
        assertThat(branches).doesNotContain("opencode/crashed-1\n").contains("opencode/crashed-own-1", "opencode/live-1", "opencode/kept-1");
    }

    @Test
    void theSweepKeepsAResumableWorktreeOfADeadRunnerAndAdoptingLocksItAsThisRunners() throws IOException {
        Path repository = TestRepositories.create(temp.resolve("repo"), "a.txt", "a\n");
        Path folder = repository.resolve(".git").resolve(Worktrees.FOLDER);
        String deadOwner = Worktrees.OWNER_PREFIX + deadPid() + " on " + Worktrees.hostName();
        String base = git.run(repository, "rev-parse", "HEAD").strip();
        git.run(repository, "worktree", "add", "--quiet", "--lock", "--reason", deadOwner, "-b", "opencode/resume-1",
                folder.resolve("resume-1").toString(), base);
        Files.writeString(folder.resolve("resume-1").resolve("half-done.txt"), "the agent's edit so far\n");
        git.run(repository, "worktree", "add", "--quiet", "--lock", "--reason", deadOwner, "-b", "opencode/lost-1",
                folder.resolve("lost-1").toString(), base);
        Worktrees restarted = new Worktrees(git);
        restarted.keepResumable(() -> Set.of(folder.resolve("resume-1")));

        assertThat(restarted.sweep(repository)).isEqualTo(1);

        assertThat(folder.resolve("lost-1")).doesNotExist();
        assertThat(folder.resolve("resume-1").resolve("half-done.txt")).hasContent("the agent's edit so far");
        Worktree recorded = new Worktree(repository, folder.resolve("resume-1"), "opencode/resume-1", base);
        assertThat(restarted.adopt(recorded)).isTrue();
        String list = git.run(repository, "worktree", "list", "--porcelain");
        assertThat(list).contains("locked " + Worktrees.OWNER_PREFIX + ProcessHandle.current().pid() + " on ")
                .doesNotContain(deadOwner);
        assertThat(new Worktrees(git).sweep(repository)).as("a live runner's worktree now").isZero();
        assertThat(new WorktreeChanges(git).capture(recorded).changes()).extracting(FileChange::file).containsExactly("half-done.txt");

        assertThat(restarted.adopt(new Worktree(repository, folder.resolve("lost-1"), "opencode/lost-1", base))).as("gone").isFalse();
        assertThat(restarted.adopt(new Worktree(repository, folder.resolve("resume-1"), "opencode/other-1", base)))
                .as("listed on another branch").isFalse();
    }

    @Test
    void aSweepThatCannotReadWhichWorktreesResumeKeepsThemAll() throws IOException {
        Path repository = TestRepositories.create(temp.resolve("repo"), "a.txt", "a\n");
        Path folder = repository.resolve(".git").resolve(Worktrees.FOLDER);
        git.run(repository, "worktree", "add", "--quiet", "--lock", "--reason", Worktrees.OWNER_PREFIX + deadPid() + " on "
                + Worktrees.hostName(), "-b", "opencode/crashed-1", folder.resolve("crashed-1").toString(), "HEAD");
        Worktrees restarted = new Worktrees(git);
        restarted.keepResumable(() -> {
            throw new IllegalStateException("the ledger is down");
        });

        assertThat(restarted.sweep(repository)).isZero();
        assertThat(folder.resolve("crashed-1")).exists();
    }

    /** A pid no process has now: one of a process that ran and ended. */
    private static long deadPid() throws IOException {
        try {
            Process process = new ProcessBuilder("true").start();
            process.waitFor();
            return process.pid();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
