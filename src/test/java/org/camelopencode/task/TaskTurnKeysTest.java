package org.camelopencode.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.camelopencode.failure.OpenCodeFailureException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The task keys {@code sessionId}, {@code fork}, {@code command}, {@code arguments} and {@code files}. */
class TaskTurnKeysTest {

    private final TaskReader reader = new TaskReader();

    private TaskSpec read(String fileName, String content) {
        return reader.read(fileName, content.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aFollowUpACommandAndFilesAreRead() {
        TaskSpec followUp = read("f.md", "---\nsessionId: ses_abc\nfork: true\nfiles: [a.txt, docs/b.md]\n---\nGo on.");
        assertThat(followUp.turn()).isEqualTo(new TaskTurn("ses_abc", true, null, null, List.of("a.txt", "docs/b.md")));
        TaskSpec command = read("c.json", "{\"command\":\"/review\",\"arguments\":\"src\"}");
        assertThat(command.turn().command()).isEqualTo("review");
        assertThat(command.prompt()).as("a command needs no prompt").isEqualTo("/review src");
        assertThat(read("one.json", "{\"prompt\":\"p\",\"files\":\"a.txt\"}").turn().files()).containsExactly("a.txt");
        assertThat(read("plain.md", "Do it.").turn().isNone()).isTrue();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            {"prompt":"p","fork":true}                      | key 'fork' needs key 'sessionId'
            {"prompt":"p","fork":"yes","sessionId":"ses_a"} | key 'fork' must be true or false
            {"prompt":"p","arguments":"x"}                  | key 'arguments' needs key 'command'
            {"prompt":"p","files":[1]}                      | key 'files' must be a list of paths
            {"prompt":"p","files":{"a":1}}                  | key 'files' must be a list of paths
            {"prompt":"p","sessionId":" "}                  | key 'sessionId' must not be empty
            """)
    void inconsistentKeysAreInvalid(String json, String problem) {
        assertThatThrownBy(() -> read("bad.json", json)).isInstanceOf(OpenCodeFailureException.class).hasMessageContaining(problem);
    }

    @Test
    void theOriginalOfARecordKeepsTheKeysSoARedriveRunsTheSameTask() {
        TaskSpec task = read("f.json", "{\"prompt\":\"p\",\"sessionId\":\"ses_abc\",\"fork\":true,\"files\":[\"a.txt\"],"
                + "\"directory\":\"repo\"}").withTitle("t");
        TaskSpec again = read("again.json", TaskRecords.taskObject(task).toString());
        assertThat(again.turn()).isEqualTo(task.turn());
        assertThat(again.directory()).isEqualTo("repo");
        TaskSpec command = read("c.json", "{\"command\":\"review\",\"arguments\":\"src\"}");
        assertThat(read("c2.json", TaskRecords.taskObject(command).toString()).turn()).isEqualTo(command.turn());
    }
}
