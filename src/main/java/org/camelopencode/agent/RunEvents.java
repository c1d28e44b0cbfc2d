package org.camelopencode.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.camelopencode.agent.AgentEvent.MessageText;
import org.camelopencode.agent.AgentEvent.RunError;
import org.camelopencode.agent.AgentEvent.RunResult;
import org.camelopencode.agent.AgentEvent.SessionStarted;
import org.camelopencode.agent.AgentEvent.StepUsage;
import org.camelopencode.agent.AgentEvent.ToolFinished;
import org.camelopencode.agent.AgentEvent.ToolStarted;
import org.camelopencode.client.OpenCodeJson;
import org.camelopencode.client.Tokens;

/**
 * The state both normalizers share: which parts were already turned into events (the server repeats part updates,
 * the CLI prints a part again when the server updates it after it ended), whether the session start was announced,
 * and the current run's last text and error count. Reads OpenCode part JSON ({@code message.part.updated}
 * {@code properties.part}, or {@code part} of a CLI line) directly, because the typed client {@code Part} has no
 * {@code callID} nor part times. Not thread-safe.
 */
final class RunEvents {

    private final Set<String> finalTextParts = new HashSet<>();
    private final Set<String> startedTools = new HashSet<>();
    private final Set<String> finishedTools = new HashSet<>();
    private final Set<String> stepFinishParts = new HashSet<>();
    private boolean sessionStarted;
    private String lastText;
    private int errors;

    /** Adds {@link SessionStarted} when nothing of the session was emitted yet. */
    void announceSession(String sessionId, Instant timestamp, List<AgentEvent> out) {
        if (!sessionStarted) {
            sessionStarted = true;
            out.add(new SessionStarted(sessionId, timestamp));
        }
    }

    /**
     * Turns one part into its events, skipping what was already emitted for that part.
     *
     * @param part         the part JSON ({@code {id, type, messageID, ...}})
     * @param envelopeTime the time of the event or line carrying it, used when the part has none
     */
    void part(String sessionId, JsonNode part, Instant envelopeTime, List<AgentEvent> out) {
        String partId = textOrNull(part, "id");
        switch (part.path("type").asText("")) {
            case "text" -> finalText(sessionId, part, partId, out);
            case "tool" -> tool(sessionId, part, partId, out);
            case "step-finish" -> {
                if (partId == null || stepFinishParts.add(partId)) {
                    out.add(new StepUsage(sessionId, envelopeTime, textOrNull(part, "messageID"),
                            textOrNull(part, "reason"), tokens(part.get("tokens")), part.path("cost").asDouble(0)));
                }
            }
            default -> {
                // step-start, reasoning, snapshot, patch, ... carry nothing this model reports
            }
        }
    }

    /** Adds a {@link RunError} and counts it for the run. */
    void error(String sessionId, Instant timestamp, String name, String message, List<AgentEvent> out) {
        errors++;
        out.add(new RunError(sessionId, timestamp, name, message));
    }

    /** Ends the current run: its result, then a fresh last text and error count for the next one. */
    RunResult endRun(String sessionId, Instant timestamp) {
        RunResult result = new RunResult(sessionId, timestamp, lastText, errors);
        lastText = null;
        errors = 0;
        return result;
    }

    private void finalText(String sessionId, JsonNode part, String partId, List<AgentEvent> out) {
        JsonNode end = part.path("time").path("end");
        if (!end.isNumber() || (partId != null && !finalTextParts.add(partId))) {
            return;
        }
        String text = part.path("text").asText("");
        lastText = text;
        out.add(new MessageText(sessionId, Instant.ofEpochMilli(end.asLong()), textOrNull(part, "messageID"), partId,
                text));
    }

    private void tool(String sessionId, JsonNode part, String partId, List<AgentEvent> out) {
        JsonNode state = part.path("state");
        String status = state.path("status").asText("");
        boolean finished = ToolFinished.COMPLETED.equals(status) || ToolFinished.ERROR.equals(status);
        if (!finished && !"running".equals(status)) {
            return; // pending: the input is not known yet
        }
        String callId = textOrNull(part, "callID");
        String key = partId != null ? partId : callId;
        String tool = textOrNull(part, "tool");
        JsonNode input = state.has("input") ? state.get("input") : JsonNodeFactory.instance.objectNode();
        if (key == null || startedTools.add(key)) {
            out.add(new ToolStarted(sessionId, epochMillis(state.path("time").path("start")), callId, tool, input));
        }
        if (finished && (key == null || finishedTools.add(key))) {
            out.add(new ToolFinished(sessionId, epochMillis(state.path("time").path("end")), callId, tool, status,
                    textOrNull(state, "output"), textOrNull(state, "error"), input));
        }
    }

    private static TokenUsage tokens(JsonNode node) {
        if (node == null || !node.isObject()) {
            return TokenUsage.ZERO;
        }
        try {
            return TokenUsage.ZERO.plus(OpenCodeJson.mapper().treeToValue(node, Tokens.class));
        } catch (JsonProcessingException e) {
            return TokenUsage.ZERO; // a step we cannot count is reported as zero rather than losing the step
        }
    }

    /** @return the instant of an epoch-milliseconds number node, or null when it is not a number */
    static Instant epochMillis(JsonNode node) {
        return node != null && node.isNumber() ? Instant.ofEpochMilli(node.asLong()) : null;
    }

    static String textOrNull(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
