package org.camelopencode.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.camelopencode.component.AttemptHistory;
import org.camelopencode.dispatch.DispatchResult;
import org.camelopencode.failure.FailureKind;
import org.camelopencode.failure.OpenCodeFailureException;
import org.camelopencode.task.AttemptRecord;
import org.camelopencode.task.TaskSpec;
import org.camelopencode.task.TaskTurn;
import org.camelopencode.testkit.RecordedRequest;
import org.camelopencode.testkit.Reply;
import org.camelopencode.testkit.RequestMatcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Follow-ups on the server transport (issue 15 item 5) against the real server: {@code sessionId} continues a session
 * (the model sees the earlier messages, the gate judges only the new reply), {@code fork} continues a copy, a slash
 * command of the task's directory runs, a file part reaches the model, and a session that does not exist is
 * {@code invalid_task}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FollowUpIntegrationTest {

    private SharedOpenCode openCode;
    private CamelContext camel;
    private ProducerTemplate template;
    private Path project;

    @BeforeAll
    void startCamel() throws Exception {
        openCode = SharedOpenCode.get();
        project = Files.createTempDirectory("follow-up-it-").toRealPath();
        Files.createDirectories(project.resolve(".opencode/command"));
        Files.writeString(project.resolve(".opencode/command/shout.md"), "---\ndescription: shout it\n---\nF-CMD say $ARGUMENTS loudly\n");
        Files.writeString(project.resolve("notes.txt"), "F-FILE-CONTENT the secret animal is a zebra\n");
        openCode.model().when(RequestMatcher.promptContains("F-FIRST")).reply(Reply.text("noted the word"));
        openCode.model().when(RequestMatcher.promptContains("F-SECOND")).reply(Reply.text("the word was banana"));
        openCode.model().when(RequestMatcher.promptContains("F-FORKED")).reply(Reply.text("forked and remembered"));
        openCode.model().when(RequestMatcher.promptContains("F-CMD")).reply(Reply.text("HELLO THERE"));
        openCode.model().when(RequestMatcher.promptContains("F-FILES")).reply(Reply.text("read the notes"));
        camel = new DefaultCamelContext();
        camel.addComponent("opencode", openCode.newComponent("PT90S"));
        camel.start();
        template = camel.createProducerTemplate();
    }

    @AfterAll
    void stopCamel() {
        if (camel != null) {
            camel.stop();
        }
    }

    private DispatchResult first(String marker) {
        return template.requestBody("opencode:dispatch", TaskSpec.ofPrompt("first", "F-FIRST " + marker + " remember the word banana")
                .withDirectory(project.toString()), DispatchResult.class);
    }

    private RecordedRequest lastRequestWith(String marker) {
        List<RecordedRequest> requests = openCode.model().requests().stream()
                .filter(request -> request.latestUserText().contains(marker)).toList();
        assertThat(requests).as("requests with " + marker).isNotEmpty();
        return requests.get(requests.size() - 1);
    }

    @Test
    void aFollowUpIsAnsweredInTheSameSessionAndTheModelSeesTheEarlierMessages() {
        DispatchResult first = first("one");
        Exchange exchange = template.send("opencode:dispatch", sent -> sent.getMessage().setBody(TaskSpec.ofPrompt("second",
                "F-SECOND which word?").withDirectory(project.toString()).withTurn(new TaskTurn(first.sessionId(), false, null, null,
                List.of()))));

        assertThat(exchange.getException()).isNull();
        DispatchResult second = exchange.getMessage().getBody(DispatchResult.class);
        assertThat(second.sessionId()).isEqualTo(first.sessionId());
        assertThat(second.text()).isEqualTo("the word was banana");
        assertThat(lastRequestWith("F-SECOND").messagesJson()).contains("F-FIRST one remember the word banana", "noted the word");
        assertThat(AttemptHistory.of(exchange)).singleElement().satisfies(attempt -> {
            assertThat(attempt.continued()).isEqualTo(first.sessionId());
            assertThat(attempt.outcome()).isEqualTo(AttemptRecord.COMPLETED);
        });
    }

    @Test
    void forkContinuesACopyOfTheSession() {
        DispatchResult first = first("two");
        DispatchResult forked = template.requestBody("opencode:dispatch", TaskSpec.ofPrompt("forked", "F-FORKED which word?")
                .withDirectory(project.toString()).withTurn(new TaskTurn(first.sessionId(), true, null, null, List.of())),
                DispatchResult.class);

        assertThat(forked.sessionId()).isNotEqualTo(first.sessionId());
        assertThat(forked.text()).isEqualTo("forked and remembered");
        assertThat(lastRequestWith("F-FORKED").messagesJson()).contains("F-FIRST two remember the word banana");
    }

    @Test
    void aSlashCommandOfTheTasksDirectoryRunsUnderTheGate() {
        DispatchResult result = template.requestBody("opencode:dispatch", TaskSpec.ofPrompt("command", "/shout hello")
                .withDirectory(project.toString()).withTurn(new TaskTurn(null, false, "shout", "hello", List.of())),
                DispatchResult.class);

        assertThat(result.text()).isEqualTo("HELLO THERE");
        assertThat(lastRequestWith("F-CMD").latestUserText()).contains("F-CMD say hello loudly");
    }

    @Test
    void aFilePartReachesTheModel() {
        DispatchResult result = template.requestBody("opencode:dispatch", TaskSpec.ofPrompt("files", "F-FILES summarise the notes")
                .withDirectory(project.toString()).withTurn(new TaskTurn(null, false, null, null, List.of("notes.txt"))),
                DispatchResult.class);

        assertThat(result.text()).isEqualTo("read the notes");
        assertThat(lastRequestWith("F-FILES").messagesJson()).contains("the secret animal is a zebra");
    }

    @Test
    void aSessionThatDoesNotExistOrAMissingFileIsAnInvalidTask() {
        for (TaskTurn bad : List.of(new TaskTurn("ses_doesNotExist0000000000", false, null, null, List.of()),
                new TaskTurn(null, false, null, null, List.of("missing.txt")))) {
            assertThatThrownBy(() -> template.requestBody("opencode:dispatch", TaskSpec.ofPrompt("bad", "F-NEVER answer")
                    .withDirectory(project.toString()).withTurn(bad), DispatchResult.class))
                    .isInstanceOf(CamelExecutionException.class)
                    .cause().isInstanceOfSatisfying(OpenCodeFailureException.class, failure -> {
                        assertThat(failure.getKind()).isEqualTo(FailureKind.INVALID_TASK);
                        assertThat(failure.getMessage()).containsAnyOf("does not exist on the server", "file 'missing.txt' does not exist");
                    });
        }
        assertThat(openCode.model().requests()).noneSatisfy(request -> assertThat(request.latestUserText()).contains("F-NEVER"));
    }
}
