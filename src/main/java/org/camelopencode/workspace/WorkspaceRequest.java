package org.camelopencode.workspace;

import java.util.Objects;

/**
 * What a task asks of its workspace (task keys {@code workspace}, {@code base}, {@code commit}, {@code commitMessage},
 * {@code keep}).
 *
 * @param mode shared directory or a worktree per attempt, never {@code null}
 * @param base the revision worktrees start from ({@code HEAD}, a branch, a tag, a sha); {@code null} = {@code HEAD};
 *     only with {@link WorkspaceMode#WORKTREE}
 * @param commit whether a successful attempt's changes are committed on its branch (the branch is then kept); only
 *     with {@link WorkspaceMode#WORKTREE}
 * @param commitMessage the commit's message; {@code null} = the task's title, else its name
 * @param keep whether the worktree and its branch stay after the record is written (for a person to look at)
 */
public record WorkspaceRequest(WorkspaceMode mode, String base, boolean commit, String commitMessage, boolean keep) {

    /** The base of a worktree when the task names none. */
    public static final String DEFAULT_BASE = "HEAD";

    /**
     * @throws NullPointerException when {@code mode} is {@code null}
     * @throws IllegalArgumentException when {@code base}, {@code commit}, {@code commitMessage} or {@code keep} is
     *     given with {@code shared} (they need a worktree), or {@code base} / {@code commitMessage} is blank
     */
    public WorkspaceRequest {
        Objects.requireNonNull(mode, "mode");
        if (base != null && base.isBlank()) {
            throw new IllegalArgumentException("base must not be blank");
        }
        if (commitMessage != null && commitMessage.isBlank()) {
            throw new IllegalArgumentException("commitMessage must not be blank");
        }
        if (mode == WorkspaceMode.SHARED && (base != null || commit || commitMessage != null || keep)) {
            throw new IllegalArgumentException("base, commit, commitMessage and keep need workspace 'worktree', but workspace is 'shared'");
        }
    }

    /**
     * @param mode the mode
     * @return the request of that mode with every other setting at its default
     */
    public static WorkspaceRequest of(WorkspaceMode mode) {
        return new WorkspaceRequest(mode, null, false, null, false);
    }

    /** @return {@link #base()}, else {@value #DEFAULT_BASE} */
    public String baseOrHead() {
        return base == null ? DEFAULT_BASE : base;
    }
}
