package org.camelopencode.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.camelopencode.agent.AgentEvent.MessageText;
import org.camelopencode.agent.AgentEvent.RunError;
import org.camelopencode.agent.AgentEvent.RunResult;
import org.camelopencode.agent.AgentEvent.ToolFinished;
import org.camelopencode.client.GenericEvent;
import org.camelopencode.client.OpenCodeEvent;
import org.camelopencode.client.PermissionAsked;
import org.camelopencode.client.QuestionAsked;
import org.camelopencode.client.ServerConnected;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The recordings of each OpenCode version measured by {@code ./conformance.sh} ({@code recordings/<version>/}, made by
 * {@code ProtocolRecordingIntegrationTest}) through {@link org.camelopencode.client.EventParser},
 * {@link ServerEventNormalizer} and {@link CliEventNormalizer}: the same scenarios must come out the same on every
 * version (a text reply, a {@code read} tool call, a {@code bash} permission ask, a provider 401, a question, a CLI run).
 */
class VersionRecordingsTest {

    private static final String FIXTURE_TEXT = "alpha beta gamma";
    private static final String FINAL_TEXT = "Recorded: alpha beta gamma.";

    @ParameterizedTest
    @ValueSource(strings = {"1.1.65", "1.18.33"})
    void serverScenariosParseAndNormalizeAlike(String version) {
        String recording = RecordedEvents.serverRecording(version, "scenarios");
        List<OpenCodeEvent> events = RecordedEvents.serverEvents(recording);

        assertThat(events).isNotEmpty();
        assertThat(events.get(0)).isInstanceOf(ServerConnected.class);
        assertThat(events).filteredOn(GenericEvent.class::isInstance).extracting(OpenCodeEvent::type)
                .as("event types the dispatch relies on are typed on %s", version)
                .doesNotContain("session.status", "session.idle", "message.updated", "message.part.updated", "permission.asked");
        assertThat(events).filteredOn(PermissionAsked.class::isInstance).map(PermissionAsked.class::cast).singleElement()
                .satisfies(asked -> {
                    assertThat(asked.request().permission()).isEqualTo("bash");
                    assertThat(asked.request().patterns()).contains("echo recorded");
                    assertThat(asked.request().id()).isNotBlank();
                });

        Map<String, List<AgentEvent>> bySession = RecordedEvents.normalizedBySession(recording);
        assertThat(bySession).hasSize(4);
        Collection<List<AgentEvent>> sessions = bySession.values();
        assertThat(sessions).anySatisfy(session -> assertThat(texts(session)).containsExactly("Recorded text reply."));
        assertThat(sessions).anySatisfy(session -> {
            assertThat(session).filteredOn(ToolFinished.class::isInstance).map(ToolFinished.class::cast).singleElement()
                    .satisfies(tool -> {
                        assertThat(tool.tool()).isEqualTo("read");
                        assertThat(tool.status()).isEqualTo(ToolFinished.COMPLETED);
                        assertThat(tool.output()).contains(FIXTURE_TEXT);
                    });
            assertThat(texts(session)).containsExactly(FINAL_TEXT);
        });
        assertThat(sessions).anySatisfy(session -> {
            assertThat(session).filteredOn(ToolFinished.class::isInstance).map(ToolFinished.class::cast)
                    .anySatisfy(tool -> assertThat(tool.tool()).isEqualTo("bash"));
            assertThat(texts(session)).containsExactly("ran it");
        });
        assertThat(sessions).anySatisfy(session -> {
            assertThat(session).filteredOn(RunError.class::isInstance).map(RunError.class::cast)
                    .anySatisfy(error -> assertThat(error.name()).isEqualTo("APIError"));
            assertThat(session).filteredOn(RunResult.class::isInstance).map(RunResult.class::cast)
                    .singleElement().satisfies(result -> assertThat(result.errors()).isPositive());
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.1.65", "1.18.33"})
    void aQuestionParsesAndNormalizesAlike(String version) {
        String recording = RecordedEvents.serverRecording(version, "question");

        assertThat(RecordedEvents.serverEvents(recording)).filteredOn(QuestionAsked.class::isInstance)
                .map(QuestionAsked.class::cast).singleElement().satisfies(asked -> {
                    assertThat(asked.request().id()).isNotBlank();
                    assertThat(asked.request().questions()).singleElement().satisfies(question -> {
                        assertThat(question.question()).isEqualTo("Which color?");
                        assertThat(question.header()).isEqualTo("Color");
                    });
                });
        assertThat(RecordedEvents.normalizedBySession(recording).values()).singleElement()
                .satisfies(session -> assertThat(texts(session)).containsExactly("blue it is"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.1.65", "1.18.33"})
    void aCliRunNormalizesAlike(String version) {
        List<AgentEvent> events = RecordedEvents.normalizedCliRun(RecordedEvents.lines(version + "/run-format-json.ndjson"));

        assertThat(events).filteredOn(ToolFinished.class::isInstance).map(ToolFinished.class::cast).singleElement()
                .satisfies(tool -> {
                    assertThat(tool.tool()).isEqualTo("read");
                    assertThat(tool.output()).contains(FIXTURE_TEXT);
                });
        assertThat(events).filteredOn(RunResult.class::isInstance).map(RunResult.class::cast).singleElement()
                .satisfies(result -> {
                    assertThat(result.text()).isEqualTo(FINAL_TEXT);
                    assertThat(result.errors()).isZero();
                });
        assertThat(events).filteredOn(RunError.class::isInstance).isEmpty();
    }

    private static List<String> texts(List<AgentEvent> session) {
        return session.stream().filter(MessageText.class::isInstance).map(event -> ((MessageText) event).text()).toList();
    }
}
