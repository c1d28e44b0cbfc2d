package org.camelopencode.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.camelopencode.component.OpenCodeComponent;
import org.camelopencode.component.OpenCodeConstants;
import org.camelopencode.dispatch.DispatchResult;
import org.camelopencode.testkit.RecordedRequest;
import org.camelopencode.testkit.Reply;
import org.camelopencode.testkit.RequestMatcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Read-only dispatch ({@code readOnly=true}, or a task with agent {@code plan}) on the real server:
 * the agent runs as {@code plan}, its session denies every edit, so a write the model attempts
 * never reaches the disk and the agent goes on with the denial.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReadOnlyDispatchIntegrationTest {

    private SharedOpenCode openCode;
    private CamelContext camel;
    private ProducerTemplate template;

    @BeforeAll
    void startCamel() throws Exception {
        openCode = SharedOpenCode.get();
        openCode.model().when(RequestMatcher.promptContains("R-WRITE")).reply(
                Reply.toolCall("write", "{\"filePath\":\"read-only-probe.txt\",\"content\":\"should not exist\"}"),
                Reply.text("could not write, as expected"));
        openCode.model().when(RequestMatcher.promptContains("R-CONTROL")).reply(
                Reply.toolCall("write", "{\"filePath\":\"control-probe.txt\",\"content\":\"written\"}"),
                Reply.text("wrote it"));
        camel = new DefaultCamelContext();
        OpenCodeComponent component = openCode.newComponent("PT60S");
        camel.addComponent("opencode", component);
        camel.start();
        template = camel.createProducerTemplate();
    }

    @AfterAll
    void stopCamel() {
        if (camel != null) {
            camel.stop();
        }
    }

    private String lastConversation(String marker) {
        List<RecordedRequest> requests = openCode.model().requests().stream()
                .filter(request -> request.messagesJson().contains(marker)).toList();
        assertThat(requests).hasSizeGreaterThanOrEqualTo(2);
        return requests.get(requests.size() - 1).messagesJson();
    }

    @Test
    void readOnlyDispatchRunsAsPlanAndItsWriteNeverReachesTheDisk() {
        DispatchResult result = template.requestBody("opencode:dispatch?readOnly=true", "R-WRITE Write a file.", DispatchResult.class);
        assertThat(result.text()).isEqualTo("could not write, as expected");
        assertThat(result.agent()).isEqualTo("plan");
        Path project = openCode.server().projectDirectory();
        assertThat(project.resolve("read-only-probe.txt")).doesNotExist();
        assertThat(lastConversation("R-WRITE")).doesNotContain("Wrote file successfully");
    }

    @Test
    void theSameWriteWithoutReadOnlyDoesReachTheDisk() {
        DispatchResult result = template.requestBodyAndHeader("opencode:dispatch", "R-CONTROL Write a file.",
                OpenCodeConstants.AGENT, "build", DispatchResult.class);
        assertThat(result.text()).isEqualTo("wrote it");
        assertThat(openCode.server().projectDirectory().resolve("control-probe.txt")).hasContent("written");
    }
}
