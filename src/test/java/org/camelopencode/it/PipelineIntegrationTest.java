package org.camelopencode.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.camel.main.Main;
import org.camelopencode.client.OpenCodeClient;
import org.camelopencode.testkit.RecordedRequest;
import org.camelopencode.testkit.Reply;
import org.camelopencode.testkit.RequestMatcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The shipped three-stage pipeline ({@code routes/pipeline.yaml}) against the real server and the
 * scripted model: three sessions titled by run, stage and attempt, each stage given the previous
 * stage's result and never its transcript, and one record per stage with the run id and stage.
 */
class PipelineIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Main runner;

    @AfterEach
    void stop() {
        if (runner != null) {
            runner.stop();
        }
    }

    @Test
    void threeStagesRunInThreeSessionsAndPassTheirResultsAlong() throws Exception {
        SharedOpenCode openCode = SharedOpenCode.get();
        openCode.model().when(RequestMatcher.promptContains("P-RUN").and(RequestMatcher.promptContains("numbered plan")))
                .reply(Reply.text("1. Add greet(). 2. Test it."));
        openCode.model().when(RequestMatcher.promptContains("P-RUN").and(RequestMatcher.promptContains("Carry out the plan")))
                .reply(Reply.text("Added greet() in Greeter.java."));
        openCode.model().when(RequestMatcher.promptContains("P-RUN").and(RequestMatcher.promptContains("Review the change")))
                .reply(Reply.text("No problems found."));
        Path work = Files.createTempDirectory("pipeline-it-");
        Path inbox = Files.createDirectories(work.resolve("pipeline-inbox"));
        Path outbox = work.resolve("outbox");
        runner = openCode.newRunner(work);
        runner.addOverrideProperty("opencode.pipeline.enabled", "true");
        runner.addOverrideProperty("opencode.pipeline.inbox", inbox.toString());
        runner.start();
        Files.writeString(inbox.resolve("greeter.md"), "---\nrunId: run-42\n---\nP-RUN Add a greeting to the app.\n");

        List<String> stages = List.of("plan", "implement", "review");
        for (String stage : stages) {
            Path record = outbox.resolve("greeter." + stage + ".result.json");
            await().atMost(Duration.ofSeconds(90)).until(() -> Files.exists(record));
        }
        JsonNode plan = JSON.readTree(outbox.resolve("greeter.plan.result.json").toFile());
        JsonNode implement = JSON.readTree(outbox.resolve("greeter.implement.result.json").toFile());
        JsonNode review = JSON.readTree(outbox.resolve("greeter.review.result.json").toFile());
        assertThat(List.of(plan, implement, review)).allSatisfy(record -> {
            assertThat(record.get("task").asText()).isEqualTo("greeter");
            assertThat(record.get("runId").asText()).isEqualTo("run-42");
            assertThat(record.get("attempts")).hasSize(1);
        });
        assertThat(plan.get("stage").asText()).isEqualTo("plan");
        assertThat(review.get("text").asText()).isEqualTo("No problems found.");
        assertThat(List.of(plan, implement, review)).extracting(record -> record.get("sessionId").asText()).doesNotHaveDuplicates();

        try (OpenCodeClient client = openCode.newClient()) {
            for (JsonNode record : List.of(plan, implement, review)) {
                assertThat(client.session(record.get("sessionId").asText()).title())
                        .isEqualTo("greeter [run run-42, stage " + record.get("stage").asText() + ", attempt 1]");
            }
        }
        // Each stage sees the previous stage's result text, not its transcript.
        RecordedRequest implementRequest = lastRequest(openCode, "Carry out the plan");
        assertThat(implementRequest.latestUserText()).contains("Result of the previous stage (plan):\n1. Add greet(). 2. Test it.")
                .doesNotContain("numbered plan");
        RecordedRequest reviewRequest = lastRequest(openCode, "Review the change");
        assertThat(reviewRequest.latestUserText()).contains("Added greet() in Greeter.java.").doesNotContain("1. Add greet()");
    }

    private static RecordedRequest lastRequest(SharedOpenCode openCode, String fragment) {
        List<RecordedRequest> requests = openCode.model().requests().stream()
                .filter(request -> request.latestUserText() != null && request.latestUserText().contains("P-RUN")
                        && request.latestUserText().contains(fragment)).toList();
        assertThat(requests).isNotEmpty();
        return requests.get(requests.size() - 1);
    }
}
