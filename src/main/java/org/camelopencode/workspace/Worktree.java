package org.camelopencode.workspace;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One attempt's git worktree.
 *
 * @param repository the repository's main working tree (absolute), where the branch lives
 * @param directory the worktree's folder (absolute), under {@code <git-common-dir>/opencode-worktrees/}; the
 *     attempt's session works here
 * @param branch the worktree's branch, {@code opencode/<task>-<attempt>} (a suffix {@code -2}, {@code -3}, ... when
 *     that name was taken)
 * @param base the commit the branch starts from, the full sha {@code base} resolved to when the worktree was made
 */
public record Worktree(Path repository, Path directory, String branch, String base) {

    /** @throws NullPointerException when a field is {@code null} */
    public Worktree {
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(branch, "branch");
        Objects.requireNonNull(base, "base");
    }
}
