package org.camelopencode.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.camelopencode.failure.FailureKind;
import org.camelopencode.failure.OpenCodeFailureException;
import org.camelopencode.workspace.WorkspaceMode;
import org.camelopencode.workspace.WorkspaceRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The task keys {@code workspace}, {@code base}, {@code commit}, {@code commitMessage} and {@code keep}. */
class TaskWorkspaceKeysTest {

    private final TaskReader reader = new TaskReader();

    private TaskSpec read(String fileName, String content) {
        return reader.read(fileName, content.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void frontMatterAndJsonCarryTheWorkspace() {
        TaskSpec markdown = read("fix.md", "---\nworkspace: worktree\nbase: main\ncommit: true\ncommitMessage: Fix it\nkeep: true\n---\nFix.");
        assertThat(markdown.workspace()).isEqualTo(new WorkspaceRequest(WorkspaceMode.WORKTREE, "main", true, "Fix it", true));
        TaskSpec json = read("fix.json", "{\"prompt\":\"p\",\"workspace\":\"Shared\"}");
        assertThat(json.workspace()).isEqualTo(WorkspaceRequest.of(WorkspaceMode.SHARED));
        assertThat(read("plain.md", "Do it.").workspace()).isNull();
    }

    @Test
    void theTaskObjectReadsBackEqual() {
        TaskSpec task = read("fix.md", "---\nworkspace: worktree\nbase: v1.0\ncommit: true\n---\nFix.");
        assertThat(TaskRecords.taskObject(task).toString())
                .endsWith("\"workspace\":\"worktree\",\"base\":\"v1.0\",\"commit\":true}");
        assertThat(read("fix.json", TaskRecords.taskObject(task).toString())).isEqualTo(task);
        assertThat(TaskSpec.ofPrompt("n", "p").withWorkspace(task.workspace()).withModel("a/b").workspace()).isEqualTo(task.workspace());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "workspace: elsewhere                | key 'workspace' must be 'shared' or 'worktree', got 'elsewhere'",
            "workspace: 3                        | key 'workspace' must be a string, got a number (3)",
            "commit: true                        | key 'commit' needs key 'workspace' set to 'worktree'",
            "base: main                          | key 'base' needs key 'workspace' set to 'worktree'",
            "'workspace: shared\ncommit: true'   | key 'commit' needs workspace 'worktree', but workspace is 'shared'",
            "'workspace: worktree\ncommit: yes!' | key 'commit' must be true or false, got a string ('yes!')",
            "'workspace: worktree\nkeep: 1'      | key 'keep' must be true or false, got a number (1)",
            "'workspace: worktree\nbase: \"\"'   | key 'base' must not be empty"})
    void badWorkspaceKeysAreInvalidTasks(String frontMatter, String message) {
        assertThatThrownBy(() -> read("t.md", "---\n" + frontMatter + "\n---\np"))
                .isInstanceOf(OpenCodeFailureException.class)
                .satisfies(e -> assertThat(((OpenCodeFailureException) e).getKind()).isEqualTo(FailureKind.INVALID_TASK))
                .hasMessageContaining(message);
    }
}
