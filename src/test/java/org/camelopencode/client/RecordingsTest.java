package org.camelopencode.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every recorded real-server stream goes through SseFrameReader + EventParser without a failing frame. */
class RecordingsTest {

    private final EventParser parser = new EventParser();

    @ParameterizedTest
    @ValueSource(strings = {"event-errors-401-ctx-503-429.sse", "event-mixed-scenarios.sse", "event-permission-question.sse"})
    void everyFrameParsesAndTypeCountsMatchAnIndependentScan(String recording) throws IOException {
        List<OpenCodeEvent> events = readEvents(recording);

        Map<String, Long> expected = scanTypes(recording, false);
        Map<String, Long> actual = events.stream()
                .collect(Collectors.groupingBy(OpenCodeEvent::type, TreeMap::new, Collectors.counting()));
        assertThat(actual).isEqualTo(expected);
        assertThat(events.get(0)).isInstanceOf(ServerConnected.class);
        assertTypedRecords(events);
    }

    @Test
    void globalRecordingSkipsSyncCopies() throws IOException {
        List<String> frames = readFrames("global-event-mixed-scenarios.sse");
        List<GlobalEvent> events = new ArrayList<>();
        int skipped = 0;
        for (String frame : frames) {
            Optional<GlobalEvent> event = parser.parseGlobal(frame);
            if (event.isPresent()) {
                events.add(event.get());
            } else {
                skipped++;
            }
        }

        Map<String, Long> expectedAll = scanTypes("global-event-mixed-scenarios.sse", true);
        long expectedSync = expectedAll.remove("sync");
        assertThat(skipped).isEqualTo(expectedSync).isPositive();
        Map<String, Long> actual = events.stream().map(GlobalEvent::event)
                .collect(Collectors.groupingBy(OpenCodeEvent::type, TreeMap::new, Collectors.counting()));
        assertThat(actual).isEqualTo(expectedAll);
        assertThat(events).anySatisfy(event -> {
            assertThat(event.directory()).isEqualTo("/workspace/project");
            assertThat(event.project()).isEqualTo("global");
            assertThat(event.event()).isInstanceOf(SessionIdle.class);
        });
        assertTypedRecords(events.stream().map(GlobalEvent::event).toList());
        // The global stream carries the same events as /event recorded at the same time.
        assertThat(events.stream().filter(event -> event.event() instanceof PermissionAsked).count()).isEqualTo(3);
    }

    @Test
    void errorsRecordingHasTheProviderFailures() throws IOException {
        List<OpenCodeEvent> events = readEvents("event-errors-401-ctx-503-429.sse");

        List<MessageError> finalErrors = events.stream()
                .filter(MessageUpdated.class::isInstance).map(event -> ((MessageUpdated) event).info())
                .filter(info -> info.isAssistant() && info.error() != null && info.isCompleted())
                .map(MessageInfo::error).toList();
        assertThat(finalErrors).anySatisfy(error -> {
            assertThat(error.name()).isEqualTo("APIError");
            assertThat(error.statusCode()).isEqualTo(401);
            assertThat(error.isRetryable()).isFalse();
            assertThat(error.message()).isEqualTo("Incorrect API key provided");
            assertThat(error.responseHeaders()).containsEntry("content-type", "application/json");
            assertThat(error.responseBody()).contains("invalid_api_key");
        });
        assertThat(finalErrors).anySatisfy(error -> {
            assertThat(error.statusCode()).isEqualTo(503);
            assertThat(error.isRetryable()).isTrue();
        });
        assertThat(finalErrors).anySatisfy(error -> {
            // The final error is the compaction agent's own overflow, not the provider's first answer.
            assertThat(error.name()).isEqualTo("ContextOverflowError");
            assertThat(error.statusCode()).isNull();
            assertThat(error.message()).isEqualTo(
                    "Session too large to compact - context exceeds model limit even after stripping media");
        });
        // This recording stops before the 429 turn ends: the rate limit shows as retry statuses.
        List<SessionStatus> retries = events.stream().filter(SessionStatusChanged.class::isInstance)
                .map(event -> ((SessionStatusChanged) event).status()).filter(SessionStatus::isRetry).toList();
        assertThat(retries).anySatisfy(status -> {
            assertThat(status.message()).isEqualTo("Rate limit reached");
            assertThat(status.attempt()).isEqualTo(5);
            assertThat(status.next()).isPositive();
        });
        assertThat(events).filteredOn(SessionError.class::isInstance)
                .extracting(event -> ((SessionError) event).error().name())
                .contains("APIError", "ContextOverflowError");
        assertThat(events).filteredOn(SessionError.class::isInstance)
                .extracting(event -> ((SessionError) event).error().message())
                .anySatisfy(message -> assertThat(message).contains("maximum context length is 8192 tokens"));
    }

    @Test
    void mixedRecordingHasA429FinalError() throws IOException {
        List<OpenCodeEvent> events = readEvents("event-mixed-scenarios.sse");

        assertThat(events).filteredOn(MessageUpdated.class::isInstance)
                .extracting(event -> ((MessageUpdated) event).info().error())
                .filteredOn(Objects::nonNull)
                .anySatisfy(error -> {
                    assertThat(error.statusCode()).isEqualTo(429);
                    assertThat(error.isRetryable()).isTrue();
                });
        assertThat(events).filteredOn(MessagePartDelta.class::isInstance).first().satisfies(event -> {
            MessagePartDelta delta = (MessagePartDelta) event;
            assertThat(delta.messageId()).startsWith("msg_");
            assertThat(delta.partId()).startsWith("prt_");
            assertThat(delta.field()).isEqualTo("text");
            assertThat(delta.delta()).isNotNull();
        });
    }

    @Test
    void permissionAndQuestionRecording() throws IOException {
        List<OpenCodeEvent> events = readEvents("event-permission-question.sse");

        PermissionAsked asked = events.stream().filter(PermissionAsked.class::isInstance)
                .map(PermissionAsked.class::cast).findFirst().orElseThrow();
        assertThat(asked.request().id()).startsWith("per_");
        assertThat(asked.request().sessionId()).isEqualTo(asked.sessionId()).startsWith("ses_");
        assertThat(asked.request().permission()).isEqualTo("bash");
        assertThat(asked.request().patterns()).containsExactly("echo hi > out.txt");
        assertThat(asked.request().always()).containsExactly("echo *");
        assertThat(asked.request().metadata().get("command").asText()).isEqualTo("echo hi > out.txt");
        assertThat(asked.request().tool().get("callID").asText()).isEqualTo("call_1");

        PermissionReplied replied = events.stream().filter(PermissionReplied.class::isInstance)
                .map(PermissionReplied.class::cast).findFirst().orElseThrow();
        assertThat(replied.requestId()).isEqualTo(asked.request().id());
        assertThat(replied.reply()).isIn("once", "always", "reject");

        QuestionAsked question = events.stream().filter(QuestionAsked.class::isInstance)
                .map(QuestionAsked.class::cast).findFirst().orElseThrow();
        assertThat(question.request().id()).startsWith("que_");
        Question first = question.request().questions().get(0);
        assertThat(first.question()).isEqualTo("Which color?");
        assertThat(first.header()).isEqualTo("Color");
        assertThat(first.options()).extracting(QuestionOption::label).containsExactly("red", "blue");

        QuestionReplied answered = events.stream().filter(QuestionReplied.class::isInstance)
                .map(QuestionReplied.class::cast).findFirst().orElseThrow();
        assertThat(answered.requestId()).isEqualTo(question.request().id());

        // Every session that went busy also went idle.
        assertThat(events).filteredOn(SessionIdle.class::isInstance).extracting(OpenCodeEvent::sessionId)
                .contains(asked.sessionId(), question.sessionId());
    }

    /** Checks that each dedicated type maps to its record and the record's main field is filled. */
    private static void assertTypedRecords(List<OpenCodeEvent> events) {
        for (OpenCodeEvent event : events) {
            assertThat(event.type()).isNotBlank();
            assertThat(event.properties()).isNotNull();
            switch (event.type()) {
                case "server.connected" -> assertThat(event).isInstanceOf(ServerConnected.class);
                case "server.heartbeat" -> assertThat(event).isInstanceOf(ServerHeartbeat.class);
                case "session.status" -> assertThat(((SessionStatusChanged) event).status().type())
                        .isIn("idle", "busy", "retry");
                case "session.idle" -> assertThat(((SessionIdle) event).sessionId()).startsWith("ses_");
                case "session.error" -> assertThat(((SessionError) event).error()).isNotNull();
                case "message.updated" -> assertThat(((MessageUpdated) event).info().id()).startsWith("msg_");
                case "message.part.updated" -> assertThat(((MessagePartUpdated) event).part().id()).startsWith("prt_");
                case "message.part.delta" -> assertThat(((MessagePartDelta) event).partId()).startsWith("prt_");
                case "permission.asked" -> assertThat(((PermissionAsked) event).request().patterns()).isNotEmpty();
                case "permission.replied" -> assertThat(((PermissionReplied) event).requestId()).startsWith("per_");
                case "question.asked" -> assertThat(((QuestionAsked) event).request().questions()).isNotEmpty();
                case "question.replied" -> assertThat(((QuestionReplied) event).requestId()).startsWith("que_");
                case "question.rejected" -> assertThat(((QuestionRejected) event).requestId()).startsWith("que_");
                default -> assertThat(event).isInstanceOf(GenericEvent.class);
            }
        }
    }

    private List<OpenCodeEvent> readEvents(String recording) throws IOException {
        return readFrames(recording).stream().map(parser::parse).toList();
    }

    private static List<String> readFrames(String recording) throws IOException {
        List<String> frames = new ArrayList<>();
        try (InputStream input = open(recording); SseFrameReader reader = new SseFrameReader(input)) {
            String frame;
            while ((frame = reader.nextFrame()) != null) {
                frames.add(frame);
            }
        }
        return frames;
    }

    /** Independent count: every {@code data: } line is one event here (the server never splits data lines). */
    private static Map<String, Long> scanTypes(String recording, boolean global) throws IOException {
        String text;
        try (InputStream input = open(recording)) {
            text = new String(input.readAllBytes(), StandardCharsets.UTF_8);
        }
        Map<String, Long> counts = new TreeMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("data: ")) {
                JsonNode tree = OpenCodeJson.mapper().readTree(line.substring(6));
                JsonNode event = global ? tree.get("payload") : tree;
                counts.merge(event.get("type").asText(), 1L, Long::sum);
            }
        }
        assertThat(counts).isNotEmpty();
        return counts;
    }

    private static InputStream open(String recording) {
        InputStream input = RecordingsTest.class.getResourceAsStream("/recordings/" + recording);
        assertThat(input).as("recording %s on the test classpath", recording).isNotNull();
        return input;
    }
}
