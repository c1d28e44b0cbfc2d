package org.camelopencode.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.camelopencode.agent.AgentEvent;
import org.camelopencode.agent.AgentEvent.MessageText;
import org.camelopencode.agent.AgentEvent.RunError;
import org.camelopencode.agent.AgentEvent.StepUsage;
import org.camelopencode.agent.AgentEvent.ToolFinished;
import org.camelopencode.agent.AgentRunSummary;
import org.camelopencode.agent.AgentRunTally;
import org.camelopencode.agent.CliEventNormalizer;
import org.camelopencode.client.MessageError;
import org.camelopencode.client.OpenCodeJson;

/**
 * What one {@code opencode run --format json} printed on its standard output, read line by line: the normalized
 * {@link AgentEvent}s (through {@link CliEventNormalizer}) summed by {@link AgentRunTally}, plus what the gate needs
 * and the normalized events drop: the full {@code error} objects ({@code {name, data:{statusCode, isRetryable,
 * responseHeaders, ...}}}, the same shape as an assistant message's {@code error}), the tool calls OpenCode refused
 * because the CLI auto-rejects permission asks, and whether text came after the last error (a recovered run).
 *
 * <p>Lines of several runs in the same session (a stricter JSON follow-up with {@code --session}) may be fed to one
 * instance: {@link #startFollowUp()} starts judging afresh while sums go on. Not thread-safe: feed it from the one
 * thread reading the output.
 */
public final class CliOutput {

    /** The text a tool call carries when OpenCode rejected its permission ask (the CLI rejects every ask). */
    static final String REJECTED_PERMISSION = "rejected permission";

    private final AgentRunTally tally = new AgentRunTally();
    private CliEventNormalizer normalizer = new CliEventNormalizer();
    private final List<String> malformedLines = new ArrayList<>();
    private String sessionId;
    private final List<String> finalMessageTexts = new ArrayList<>();
    private String finalMessageId;
    private String lastFinish;
    private MessageError lastError;
    private boolean textAfterLastError;
    private ObjectNode rejectedRequest;
    private int lines;

    /**
     * @param line one line of standard output, without its line break
     * @return the normalized events it made (already counted here)
     */
    public List<AgentEvent> accept(String line) {
        lines++;
        List<AgentEvent> events = normalizer.accept(line);
        for (AgentEvent event : events) {
            tally.accept(event);
            if (event.sessionId() != null) {
                sessionId = event.sessionId();
            }
            if (event instanceof MessageText text) {
                enterMessage(text.messageId());
                finalMessageTexts.add(text.text());
                textAfterLastError = true;
            } else if (event instanceof StepUsage step) {
                enterMessage(step.messageId());
                lastFinish = step.reason();
            } else if (event instanceof ToolFinished finished && finished.failed() && finished.error() != null
                    && finished.error().contains(REJECTED_PERMISSION)) {
                rejectedRequest = OpenCodeJson.mapper().createObjectNode()
                        .put("sessionID", finished.sessionId())
                        .put("tool", finished.tool())
                        .put("callID", finished.callId())
                        .put("error", finished.error());
                rejectedRequest.set("input", finished.input());
            } else if (event instanceof RunError error) {
                if (RunError.MALFORMED_LINE.equals(error.name())) {
                    malformedLines.add(error.message());
                } else {
                    lastError = errorOf(line, error);
                    textAfterLastError = false;
                }
            }
        }
        return events;
    }

    /** Ends the current run's lines (end of output) and prepares for a follow-up run in the same session. */
    public void startFollowUp() {
        normalizer.finish().forEach(tally::accept);
        normalizer = new CliEventNormalizer();
        finalMessageTexts.clear();
        finalMessageId = null;
        lastFinish = null;
        lastError = null;
        textAfterLastError = false;
        rejectedRequest = null;
    }

    /** @return the run's summed events so far: tokens and cost over every step, tool calls, errors */
    public AgentRunSummary summary() {
        return tally.snapshot();
    }

    /** @return the session id of the lines, or null when no line named one */
    public String sessionId() {
        return sessionId;
    }

    /**
     * @return the texts of the {@code text} lines of the current run's final assistant message (the message of the
     *     latest {@code text} or {@code step_finish} line), in order; empty when it printed none
     */
    public List<String> finalTexts() {
        return List.copyOf(finalMessageTexts);
    }

    /** @return the id of the current run's final assistant message ({@code msg_...}), or null */
    public String finalMessageId() {
        return finalMessageId;
    }

    /** @return the {@code reason} of the last {@code step_finish} line of the current run ({@code stop}, ...), or null */
    public String lastFinish() {
        return lastFinish;
    }

    /**
     * @return the last {@code error} line's error when no text came after it (the run did not recover), else null;
     *     OpenCode 1.18.33 prints one per {@code session.error}
     */
    public MessageError unrecoveredError() {
        return textAfterLastError ? null : lastError;
    }

    /**
     * @return the last tool call refused because its permission ask was rejected ({@code {sessionID, tool, callID,
     *     error, input}}), or null
     */
    public JsonNode rejectedRequest() {
        return rejectedRequest;
    }

    /** @return descriptions of the lines that were not JSON objects with a {@code type}, in order */
    public List<String> malformedLines() {
        return List.copyOf(malformedLines);
    }

    /** @return how many lines were read, blank ones included */
    public int lineCount() {
        return lines;
    }

    /** A step or text of another message than the one seen last starts the final message afresh. */
    private void enterMessage(String messageId) {
        if (messageId != null && !messageId.equals(finalMessageId)) {
            finalMessageId = messageId;
            finalMessageTexts.clear();
            lastFinish = null;
        }
    }

    /** The raw {@code error} object of an error line; the normalized event keeps only name and message. */
    private static MessageError errorOf(String line, RunError fallback) {
        try {
            JsonNode error = OpenCodeJson.mapper().readTree(line).get("error");
            if (error != null && error.isObject()) {
                return OpenCodeJson.mapper().treeToValue(error, MessageError.class);
            }
        } catch (JsonProcessingException | IllegalArgumentException unreadable) {
            // the normalizer already read it once; fall back to what it kept
        }
        return new MessageError(fallback.name(), OpenCodeJson.mapper().createObjectNode().put("message", fallback.message()));
    }
}
