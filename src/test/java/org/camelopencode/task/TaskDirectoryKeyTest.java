package org.camelopencode.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.camelopencode.failure.OpenCodeFailureException;
import org.junit.jupiter.api.Test;

/** The task key {@code directory}: read from front matter and JSON, kept by copies and in the re-drivable original. */
class TaskDirectoryKeyTest {

    private final TaskReader reader = new TaskReader();

    private TaskSpec read(String fileName, String content) {
        return reader.read(fileName, content.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void frontMatterAndJsonCarryTheDirectoryAsWritten() {
        assertThat(read("a.md", "---\ndirectory: services/billing\n---\nDo it.").directory()).isEqualTo("services/billing");
        assertThat(read("a.json", "{\"prompt\":\"p\",\"directory\":\"/srv/repo\"}").directory()).isEqualTo("/srv/repo");
        assertThat(read("plain.md", "Do it.").directory()).isNull();
    }

    @Test
    void anEmptyOrNonTextDirectoryIsInvalid() {
        assertThatThrownBy(() -> read("a.json", "{\"prompt\":\"p\",\"directory\":\" \"}"))
                .isInstanceOf(OpenCodeFailureException.class).hasMessageContaining("key 'directory' must not be empty");
        assertThatThrownBy(() -> read("a.json", "{\"prompt\":\"p\",\"directory\":[1]}"))
                .isInstanceOf(OpenCodeFailureException.class).hasMessageContaining("key 'directory'");
    }

    @Test
    void copiesAndTheOriginalOfARecordKeepTheDirectory() {
        TaskSpec task = TaskSpec.ofPrompt("n", "p").withDirectory("repo").withModel("a/b").withMaxCost(1.0).withStage("s");
        assertThat(task.directory()).isEqualTo("repo");
        assertThat(TaskRecords.taskObject(task).get("directory").asText()).isEqualTo("repo");
        TaskSpec again = read("again.json", TaskRecords.taskObject(task).toString());
        assertThat(again.directory()).isEqualTo("repo");
    }
}
