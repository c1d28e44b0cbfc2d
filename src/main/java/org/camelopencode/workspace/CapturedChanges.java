package org.camelopencode.workspace;

import java.util.List;
import java.util.Objects;

/**
 * What one attempt changed in its worktree against the base.
 *
 * @param changes every changed file, new untracked files included ({@link FileChange}); empty when nothing changed
 * @param patch {@code git diff --binary} of those changes, which {@code git apply} accepts on the base; empty when
 *     nothing changed
 */
public record CapturedChanges(List<FileChange> changes, byte[] patch) {

    /** Nothing changed. */
    public static final CapturedChanges NONE = new CapturedChanges(List.of(), new byte[0]);

    /** @throws NullPointerException when a field is {@code null} */
    public CapturedChanges {
        changes = List.copyOf(changes);
        patch = Objects.requireNonNull(patch, "patch").clone();
    }

    /** @return a copy of the patch's bytes */
    @Override
    public byte[] patch() {
        return patch.clone();
    }

    /** @return whether the attempt changed nothing */
    public boolean isEmpty() {
        return changes.isEmpty();
    }
}
