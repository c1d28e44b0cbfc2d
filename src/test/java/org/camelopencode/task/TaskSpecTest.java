package org.camelopencode.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import org.camelopencode.failure.FailureKind;
import org.camelopencode.failure.OpenCodeFailureException;
import org.junit.jupiter.api.Test;

/** TaskSpec defaults, copies and checks; Expectation parsing. */
class TaskSpecTest {

    @Test
    void ofPromptHasTextDefaults() {
        TaskSpec task = TaskSpec.ofPrompt("n", "  do it \n");

        assertThat(task.name()).isEqualTo("n");
        assertThat(task.prompt()).isEqualTo("do it");
        assertThat(task.expect()).isEqualTo(Expectation.TEXT);
        assertThat(task.model()).isNull();
        assertThat(task.agent()).isNull();
        assertThat(task.title()).isNull();
        assertThat(task.schema()).isNull();
        assertThat(task.timeout()).isNull();
        assertThat(task.runId()).isNull();
        assertThat(task.stage()).isNull();
    }

    @Test
    void withCopiesChangeOneField() {
        ObjectNode schema = new ObjectMapper().createObjectNode().put("type", "object");
        TaskSpec task = TaskSpec.ofPrompt("n", "p")
                .withModel("a/b").withAgent("build").withTitle("T").withTimeout(Duration.ofSeconds(5))
                .withRunId("r").withStage("s").withSchema(schema).withName("m").withPrompt("q");

        assertThat(task).isEqualTo(new TaskSpec("m", "q", "a/b", "build", "T", Expectation.JSON, schema,
                Duration.ofSeconds(5), "r", "s"));
        assertThat(task.withExpect(null).expect()).isEqualTo(Expectation.JSON);
        assertThat(task.withSchema(null).withExpect(null).expect()).isEqualTo(Expectation.TEXT);
    }

    @Test
    void schemaIsDefensivelyCopied() {
        ObjectNode schema = new ObjectMapper().createObjectNode().put("type", "object");
        TaskSpec task = TaskSpec.ofPrompt("n", "p").withSchema(schema);

        schema.put("type", "array");
        ((ObjectNode) task.schema()).put("type", "string");

        assertThat(task.schema().get("type").asText()).isEqualTo("object");
    }

    @Test
    void invalidValuesAreRejected() {
        TaskSpec task = TaskSpec.ofPrompt("n", "p");
        ObjectMapper mapper = new ObjectMapper();

        assertThatThrownBy(() -> TaskSpec.ofPrompt("n", " ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TaskSpec.ofPrompt(" ", "p")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TaskSpec.ofPrompt(null, "p")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> task.withTimeout(Duration.ZERO)).hasMessageContaining("timeout must be positive");
        assertThatThrownBy(() -> task.withSchema(mapper.createArrayNode())).hasMessageContaining("schema must be a JSON object");
        assertThatThrownBy(() -> task.withExpect(Expectation.TEXT).withSchema(mapper.createObjectNode()).withExpect(Expectation.TEXT))
                .hasMessageContaining("a schema needs expect=json");
    }

    @Test
    void expectationParse() {
        assertThat(Expectation.parse("text")).isEqualTo(Expectation.TEXT);
        assertThat(Expectation.parse(" JSON ")).isEqualTo(Expectation.JSON);
        assertThat(Expectation.JSON.wireName()).isEqualTo("json");
        assertThat(Expectation.TEXT).hasToString("text");

        assertThatThrownBy(() -> Expectation.parse("xml"))
                .isInstanceOfSatisfying(OpenCodeFailureException.class,
                        e -> assertThat(e.getKind()).isEqualTo(FailureKind.INVALID_TASK))
                .hasMessage("invalid_task: expect must be 'text' or 'json', got 'xml'");
        assertThatThrownBy(() -> Expectation.parse(null)).hasMessage("invalid_task: expect must be 'text' or 'json', got nothing");
    }
}
