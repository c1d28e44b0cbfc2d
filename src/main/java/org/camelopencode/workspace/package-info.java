/**
 * Workspaces of coding tasks on git repositories (issue 15): where an attempt's agent edits, what it changed, and
 * its commit. No Camel types here; {@code component} adapts this to exchanges.
 *
 * <ul>
 *   <li>{@link org.camelopencode.workspace.WorkspaceMode}: {@code shared} (the directory itself, one task at a time
 *       per directory through the fair, asynchronous {@link org.camelopencode.workspace.DirectoryQueue}) or
 *       {@code worktree} (a fresh git worktree per attempt).</li>
 *   <li>{@link org.camelopencode.workspace.Worktrees}: makes and removes worktrees on branches
 *       {@code opencode/<task>-<attempt>} ({@link org.camelopencode.workspace.BranchNames}), and sweeps those a
 *       crashed runner left ({@link org.camelopencode.workspace.WorktreeSweep}).</li>
 *   <li>{@link org.camelopencode.workspace.WorktreeChanges}: the attempt's
 *       {@link org.camelopencode.workspace.FileChange}s and patch, and its commit.</li>
 * </ul>
 *
 * <p><b>The git command line, not JGit.</b> JGit has no {@code git worktree add} (nor {@code worktree list / remove /
 * prune}), which is the heart of this package; writing worktrees by hand would mean editing {@code .git} files. The
 * CLI is on every machine that has a git repository to work on, and it behaves exactly as the user's own git (hooks
 * aside, see {@link org.camelopencode.workspace.WorktreeChanges#commit}). {@link org.camelopencode.workspace.Git}
 * runs it without a shell, with a deadline per command and git's stderr in every error.
 *
 * <p><b>Where worktrees live: {@code <git-common-dir>/opencode-worktrees/<task>-<attempt>}</b> (usually
 * {@code <repo>/.git/opencode-worktrees/...}). Not inside the working tree, where the agent of a {@code shared} task,
 * {@code git status} and the user's tools would see them; not beside the repository, where they would litter a
 * folder the runner does not own. Inside the git directory they are invisible to the working tree, go with the
 * repository when it is deleted, need no extra setting, and the sweep finds them in one known place.
 */
package org.camelopencode.workspace;
