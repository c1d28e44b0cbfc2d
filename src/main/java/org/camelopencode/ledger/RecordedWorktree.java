package org.camelopencode.ledger;

import java.util.Objects;

/**
 * The git worktree a ledger entry's attempt works in ({@code workspace: worktree}), as the ledger stores it (columns
 * {@code worktree_directory}, {@code worktree_branch}, {@code worktree_base}).
 *
 * @param directory the worktree's folder, absolute, under {@code <git-common-dir>/opencode-worktrees/}
 * @param branch its branch, {@code opencode/<task>-<attempt>}
 * @param base the full sha of the commit the branch starts from
 */
public record RecordedWorktree(String directory, String branch, String base) {

    /** @throws NullPointerException when a field is {@code null} */
    public RecordedWorktree {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(branch, "branch");
        Objects.requireNonNull(base, "base");
    }
}
