package org.camelopencode.component;

import org.camelopencode.workspace.DirectoryQueue;
import org.camelopencode.workspace.Git;
import org.camelopencode.workspace.WorktreeChanges;
import org.camelopencode.workspace.Worktrees;

/**
 * The component's workspace machinery, shared by all its endpoints: the worktrees (so one repository is swept once and
 * its worktree list is changed by one thread at a time), their changes and commits, and the queue of
 * {@code shared} directories.
 *
 * @param worktrees makes, removes and sweeps worktrees
 * @param changes reads and commits an attempt's changes
 * @param queue one task at a time per shared directory
 */
record Workspaces(Worktrees worktrees, WorktreeChanges changes, DirectoryQueue queue) {

    /** @param git the git command line */
    Workspaces(Git git) {
        this(new Worktrees(git), new WorktreeChanges(git), new DirectoryQueue());
    }
}
