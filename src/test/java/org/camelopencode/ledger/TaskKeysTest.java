package org.camelopencode.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TaskKeysTest {

    @Test
    void fileKeysDependOnNameAndContent() {
        byte[] content = "fix the bug".getBytes(StandardCharsets.UTF_8);
        assertThat(TaskKeys.ofFile("a.md", content)).isEqualTo(TaskKeys.ofFile("a.md", content.clone()))
                .startsWith("file:a.md#sha256:").hasSize("file:a.md#sha256:".length() + 64);
        assertThat(TaskKeys.ofFile("a.md", content)).isNotEqualTo(TaskKeys.ofFile("b.md", content))
                .isNotEqualTo(TaskKeys.ofFile("a.md", "fix another bug".getBytes(StandardCharsets.UTF_8)));
        // SHA-256 of the empty input, a known value
        assertThat(TaskKeys.ofFile("e.md", new byte[0])).endsWith("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    @Test
    void messageKeysNameTheirTrigger() {
        assertThat(TaskKeys.ofJms("ID:abc-1")).isEqualTo("jms:ID:abc-1");
        assertThat(TaskKeys.ofKafka("tasks", 2, 41L, null)).isEqualTo("kafka:tasks-2@41");
        assertThat(TaskKeys.ofKafka("tasks", 2, 41L, "fix-1")).isEqualTo("kafka:tasks:key:fix-1");
        assertThat(TaskKeys.explicit("  mine ")).isEqualTo("mine");
    }

    @Test
    void longKeysAreCutToTheColumnAndStayDistinct() {
        String first = TaskKeys.explicit("x".repeat(600) + "1");
        String second = TaskKeys.explicit("x".repeat(600) + "2");
        assertThat(first).hasSize(512).isNotEqualTo(second);
        assertThat(second).hasSize(512);
    }
}
