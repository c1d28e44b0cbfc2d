package org.camelopencode.task;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/**
 * Where a task's successful (or last) attempt worked, the {@code workspace} object of result and error records.
 * Fields in this order: {@code directory, mode, branch?, base?}.
 *
 * @param directory the task's directory as the task named it (absolute): the repository, not the attempt's worktree,
 *     which is gone once the record is written
 * @param mode {@code shared} or {@code worktree}
 * @param branch the attempt's branch ({@code opencode/<task>-<attempt>}); omitted for {@code shared}
 * @param base the full sha the branch started from ({@code base} resolved when the worktree was made, so the record
 *     says exactly what the patch applies to); omitted for {@code shared}
 */
@JsonPropertyOrder({"directory", "mode", "branch", "base"})
public record WorkspaceRecord(
        String directory,
        String mode,
        @JsonInclude(JsonInclude.Include.NON_NULL) String branch,
        @JsonInclude(JsonInclude.Include.NON_NULL) String base) {

    /** @throws NullPointerException when {@code directory} or {@code mode} is {@code null} */
    public WorkspaceRecord {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(mode, "mode");
    }
}
