package org.camelopencode.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.camelopencode.agent.AgentEvent.RunError;
import org.camelopencode.client.OpenCodeJson;
import org.camelopencode.client.OpenCodeProtocolException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the standard output of {@code opencode run --format json} into {@link AgentEvent}s, one line at a time.
 * Each line is {@code {"type","timestamp"(epoch ms),"sessionID", "part"? | "error"?}}; types:
 * <ul>
 *   <li>{@code step_start}: nothing (the step's usage comes with {@code step_finish}).</li>
 *   <li>{@code text} (a text part, printed once it has {@code time.end}): {@link AgentEvent.MessageText}.</li>
 *   <li>{@code tool_use} (a tool part, printed once {@code completed} or {@code error}): {@link AgentEvent.ToolStarted}
 *       then {@link AgentEvent.ToolFinished}, as the CLI prints no started calls.</li>
 *   <li>{@code step_finish} (part with reason, cost, tokens): {@link AgentEvent.StepUsage}.</li>
 *   <li>{@code error} ({@code {name, data:{message}}}, a {@code session.error}): {@link RunError}.</li>
 *   <li>{@code reasoning} (only with {@code --thinking}) and unknown types: nothing (unknown types are logged at WARN).</li>
 * </ul>
 * A line that is not a JSON object with a string {@code type} is never dropped: it becomes a {@link RunError} named
 * {@link RunError#MALFORMED_LINE} with an excerpt. Blank lines give nothing. Parts repeated by the CLI (it prints a
 * part again when the server updates it after its end) give their events once. The first line with a session id is
 * preceded by {@link AgentEvent.SessionStarted}. Not thread-safe: feed it from the one thread reading the output.
 */
public final class CliEventNormalizer {

    private static final Logger LOG = LoggerFactory.getLogger(CliEventNormalizer.class);

    private final RunEvents run = new RunEvents();
    private String sessionId;
    private Instant lastTimestamp;
    private long lineNumber;
    private boolean finished;

    /**
     * @param line one line of the CLI's standard output, without its line break
     * @return the agent events it makes, in order; empty for blank lines and lines that carry nothing new
     * @throws IllegalStateException after {@link #finish()}
     */
    public List<AgentEvent> accept(String line) {
        if (finished) {
            throw new IllegalStateException("the CLI run was already finished");
        }
        lineNumber++;
        if (line == null || line.isBlank()) {
            return List.of();
        }
        List<AgentEvent> out = new ArrayList<>(2);
        JsonNode root;
        try {
            root = OpenCodeJson.mapper().readTree(line);
        } catch (JsonProcessingException e) {
            malformed("is not valid JSON", line, out);
            return out;
        }
        if (root == null || !root.isObject() || !root.path("type").isTextual()) {
            malformed("is not a JSON object with a string type", line, out);
            return out;
        }
        String lineSession = RunEvents.textOrNull(root, "sessionID");
        if (lineSession != null) {
            sessionId = lineSession;
        }
        Instant timestamp = RunEvents.epochMillis(root.get("timestamp"));
        if (timestamp != null) {
            lastTimestamp = timestamp;
        }
        if (sessionId != null) {
            run.announceSession(sessionId, timestamp, out);
        }
        String type = root.get("type").asText();
        switch (type) {
            case "text", "tool_use", "step_finish" -> {
                JsonNode part = root.path("part");
                if (part.isObject()) {
                    run.part(sessionId, part, timestamp, out);
                } else {
                    malformed("has no part object", line, out);
                }
            }
            case "error" -> {
                JsonNode error = root.path("error");
                String name = error.path("name").asText("UnknownError");
                String message = error.path("data").path("message").asText(name);
                run.error(sessionId, timestamp, name, message, out);
            }
            case "step_start", "reasoning" -> {
                // no agent event: see the class comment
            }
            default -> LOG.warn("opencode run line {} has an unknown type '{}'; ignored", lineNumber, type);
        }
        return out;
    }

    /**
     * Ends the run (call it at the end of the CLI's output). Later calls return nothing.
     *
     * @return the {@link AgentEvent.RunResult}, timed at the last line's timestamp, or empty when already finished
     */
    public List<AgentEvent> finish() {
        if (finished) {
            return List.of();
        }
        finished = true;
        return List.of(run.endRun(sessionId, lastTimestamp));
    }

    /** @return the session id of the last line that had one, or null */
    public String sessionId() {
        return sessionId;
    }

    private void malformed(String problem, String line, List<AgentEvent> out) {
        run.error(sessionId, null, RunError.MALFORMED_LINE,
                "opencode run line " + lineNumber + " " + problem + ": " + OpenCodeProtocolException.excerpt(line), out);
    }
}
