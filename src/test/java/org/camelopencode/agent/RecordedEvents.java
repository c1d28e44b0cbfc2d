package org.camelopencode.agent;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.camelopencode.client.EventParser;
import org.camelopencode.client.OpenCodeEvent;
import org.camelopencode.client.SseFrameReader;

/** Reads the recordings of {@code src/test/resources/recordings} and normalizes them. */
final class RecordedEvents {

    private RecordedEvents() {
    }

    /**
     * @return the events of an SSE recording of {@code GET /event}, or of {@code GET /global/event} when the file name
     *     starts with {@code global-} (its {@code sync} copies skipped), in order
     */
    static List<OpenCodeEvent> serverEvents(String recording) {
        EventParser parser = new EventParser();
        boolean global = Path.of(recording).getFileName().toString().startsWith("global-");
        List<OpenCodeEvent> events = new ArrayList<>();
        try (InputStream input = open(recording); SseFrameReader reader = new SseFrameReader(input)) {
            String frame;
            while ((frame = reader.nextFrame()) != null) {
                if (global) {
                    parser.parseGlobal(frame).ifPresent(event -> events.add(event.event()));
                } else {
                    events.add(parser.parse(frame));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return events;
    }

    /** @return the agent events of every session of an SSE recording, one normalizer per session, by first appearance */
    static Map<String, List<AgentEvent>> normalizedBySession(String recording) {
        Map<String, ServerEventNormalizer> normalizers = new LinkedHashMap<>();
        Map<String, List<AgentEvent>> result = new LinkedHashMap<>();
        for (OpenCodeEvent event : serverEvents(recording)) {
            if (event.sessionId() == null) {
                continue;
            }
            List<AgentEvent> produced = normalizers.computeIfAbsent(event.sessionId(), ServerEventNormalizer::new).accept(event);
            result.computeIfAbsent(event.sessionId(), id -> new ArrayList<>()).addAll(produced);
        }
        result.values().removeIf(List::isEmpty);
        return result;
    }

    /** @return the lines of an NDJSON recording */
    static List<String> lines(String recording) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(open(recording), StandardCharsets.UTF_8))) {
            return reader.lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the agent events of an NDJSON recording of {@code opencode run --format json}, finished */
    static List<AgentEvent> normalizedCliRun(List<String> lines) {
        CliEventNormalizer normalizer = new CliEventNormalizer();
        List<AgentEvent> events = new ArrayList<>();
        lines.forEach(line -> events.addAll(normalizer.accept(line)));
        events.addAll(normalizer.finish());
        return events;
    }

    /**
     * @param version a recorded version, e.g. {@code 1.14.48}
     * @param name    the scenario, e.g. {@code scenarios}
     * @return {@code <version>/event-<name>.sse}, or {@code <version>/global-event-<name>.sse} where that one was recorded
     */
    static String serverRecording(String version, String name) {
        String global = version + "/global-event-" + name + ".sse";
        return RecordedEvents.class.getResource("/recordings/" + global) != null ? global : version + "/event-" + name + ".sse";
    }

    private static InputStream open(String recording) {
        return Objects.requireNonNull(RecordedEvents.class.getResourceAsStream("/recordings/" + recording), recording);
    }
}
