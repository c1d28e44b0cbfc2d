package org.camelopencode.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.camelopencode.failure.FailureKind;
import org.camelopencode.failure.OpenCodeFailureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The task keys {@code maxTokens} and {@code maxCost}: read from front matter and JSON, validated positive. */
class TaskBudgetKeysTest {

    private final TaskReader reader = new TaskReader();

    private TaskSpec read(String fileName, String content) {
        return reader.read(fileName, content.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void frontMatterAndJsonCarryTheCaps() {
        TaskSpec markdown = read("capped.md", "---\nmaxTokens: 20000\nmaxCost: 0.5\n---\nDo it.");
        assertThat(markdown.maxTokens()).isEqualTo(20_000L);
        assertThat(markdown.maxCost()).isEqualTo(0.5);
        TaskSpec json = read("capped.json", "{\"prompt\":\"p\",\"maxTokens\":100,\"maxCost\":2}");
        assertThat(json.maxTokens()).isEqualTo(100L);
        assertThat(json.maxCost()).isEqualTo(2.0);
    }

    @Test
    void absentCapsAreNull() {
        TaskSpec task = read("plain.md", "Do it.");
        assertThat(task.maxTokens()).isNull();
        assertThat(task.maxCost()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-5", "1.5", "'many'", "[1]"})
    void maxTokensMustBeAPositiveWholeNumber(String value) {
        assertThatThrownBy(() -> read("t.md", "---\nmaxTokens: " + value + "\n---\np"))
                .isInstanceOf(OpenCodeFailureException.class)
                .satisfies(e -> assertThat(((OpenCodeFailureException) e).getKind()).isEqualTo(FailureKind.INVALID_TASK))
                .hasMessageContaining("key 'maxTokens' must be a positive whole number of tokens");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-0.5", "'cheap'", ".inf"})
    void maxCostMustBeAPositiveAmount(String value) {
        assertThatThrownBy(() -> read("t.md", "---\nmaxCost: " + value + "\n---\np"))
                .isInstanceOf(OpenCodeFailureException.class)
                .hasMessageContaining("key 'maxCost'");
    }

    @Test
    void copiesKeepTheCapsAndTheSpecValidatesThem() {
        TaskSpec task = TaskSpec.ofPrompt("n", "p").withMaxTokens(10L).withMaxCost(0.25).withModel("a/b").withSchema(null);
        assertThat(task.maxTokens()).isEqualTo(10L);
        assertThat(task.maxCost()).isEqualTo(0.25);
        assertThatThrownBy(() -> task.withMaxTokens(0L)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> task.withMaxCost(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }
}
