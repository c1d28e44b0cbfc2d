package org.camelopencode.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DispatchRequestTest {

    @Test
    void sessionTitleNamesTaskRunStageAndAttempt() {
        var request = new DispatchRequest("p", null, null, null, "fix-bug", false, null, Duration.ofSeconds(5), "r1", "plan", 2);
        assertThat(request.sessionTitle()).isEqualTo("fix-bug [run r1, stage plan, attempt 2]");
        assertThat(DispatchRequest.of("p", Duration.ofSeconds(1)).sessionTitle()).isEqualTo("task [attempt 1]");
    }

    @Test
    void rejectsBlankPromptBadTimeoutBadAttemptAndMalformedModel() {
        assertThatThrownBy(() -> DispatchRequest.of(" ", Duration.ofSeconds(1))).hasMessageContaining("prompt");
        assertThatThrownBy(() -> DispatchRequest.of("p", Duration.ZERO)).hasMessageContaining("timeout");
        assertThatThrownBy(() -> new DispatchRequest("p", null, null, null, null, false, null, Duration.ofSeconds(1), null, null, 0))
                .hasMessageContaining("attempt");
        assertThatThrownBy(() -> new DispatchRequest("p", "no-slash", null, null, null, false, null, Duration.ofSeconds(1), null, null, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
