package org.camelopencode.workspace;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Reads and commits what an attempt changed in its worktree. Capturing stages everything ({@code git add -A}: new
 * untracked files count, ignored ones do not), then compares the index with the base: {@code git diff --cached -M -z
 * --name-status} / {@code --numstat} give the {@link FileChange}s, {@code git diff --cached -M --binary} the patch.
 */
public final class WorktreeChanges {

    private final Git git;

    /** @param git the git command line */
    public WorktreeChanges(Git git) {
        this.git = Objects.requireNonNull(git, "git");
    }

    /**
     * @param worktree the attempt's worktree
     * @return its changes against {@link Worktree#base()} and their patch
     * @throws GitException when git fails
     */
    public CapturedChanges capture(Worktree worktree) {
        Path directory = worktree.directory();
        git.run(directory, "add", "-A");
        String nameStatus = git.run(directory, "diff", "--cached", "-M", "-z", "--name-status", worktree.base());
        if (nameStatus.isEmpty()) {
            return CapturedChanges.NONE;
        }
        String numstat = git.run(directory, "diff", "--cached", "-M", "-z", "--numstat", worktree.base());
        byte[] patch = git.runBytes(directory, "diff", "--cached", "-M", "--binary", worktree.base());
        return new CapturedChanges(DiffParser.changes(nameStatus, numstat), patch);
    }

    /**
     * Commits the staged changes ({@link #capture} first) on the worktree's branch, as {@code identity}, without the
     * repository's hooks ({@code --no-verify}) or signing; nothing is pushed.
     *
     * @param worktree the attempt's worktree
     * @param message the commit message, not blank
     * @param identity author and committer
     * @return the new commit's full sha
     * @throws GitException when git fails (for example nothing is staged)
     */
    public String commit(Worktree worktree, String message, GitIdentity identity) {
        Path directory = worktree.directory();
        git.run(directory, "-c", "user.name=" + identity.name(), "-c", "user.email=" + identity.email(), "-c", "commit.gpgsign=false",
                "commit", "--quiet", "--no-verify", "-m", message);
        return git.run(directory, "rev-parse", "HEAD").strip();
    }
}
