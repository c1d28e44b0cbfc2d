package org.camelopencode.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.camelopencode.agent.TokenUsage;
import org.camelopencode.client.MessageInfo;
import org.camelopencode.client.MessageWithParts;
import org.camelopencode.client.Part;
import org.camelopencode.failure.FailureClassifier;
import org.camelopencode.failure.FailureKind;

/**
 * The completion gate of DESIGN.md as a pure function of what the server reports. All must hold:
 * the session is not busy; the latest assistant message exists; its {@code time.completed} is set;
 * it has no {@code error}; its text is non-empty and, when JSON is expected, parses (or
 * {@code structured} is present when a schema was sent) and, with a schema, matches it.
 *
 * <p>Inputs come from {@code GET /session/status} (or the {@code session.status} /
 * {@code session.idle} events) and {@code GET /session/{id}/message} (or, for a completed reply, the session's
 * {@code message.updated} / {@code message.part.updated} events collected by {@link EventTranscript}).
 */
public final class CompletionGate {

    /** The error OpenCode puts on a reply that was asked for a schema but did not call its StructuredOutput tool. */
    private static final String STRUCTURED_OUTPUT_ERROR = "StructuredOutputError";

    private CompletionGate() {
    }

    /**
     * Judges one snapshot of a session, compiling the request's schema (if any) for this call; see
     * {@link #judge(DispatchRequest, String, boolean, List, SchemaCheck)}.
     *
     * @param request the attempt, for {@code expectJson} and {@code schema}
     * @param sessionId the session
     * @param busy whether the session is busy or retrying
     * @param messages the session's messages to judge, oldest first
     * @return the verdict; failed as {@code invalid_task} when the request's schema is not a valid JSON Schema
     */
    public static GateVerdict judge(DispatchRequest request, String sessionId, boolean busy, List<MessageWithParts> messages) {
        SchemaCheck check;
        try {
            check = request.schema() == null ? null : SchemaCheck.compile(request.schema());
        } catch (IllegalArgumentException invalid) {
            return new GateVerdict.Failed(FailureKind.INVALID_TASK, invalid.getMessage());
        }
        return judge(request, sessionId, busy, messages, check);
    }

    /**
     * Judges one snapshot of a session.
     *
     * <p>With a schema: {@code info.structured} is checked against it; a reply without structured
     * output (a model that answered in text, which OpenCode 1.18.33 marks with
     * {@code StructuredOutputError "Model did not produce structured output"} while keeping the text
     * part) is parsed as JSON by the {@link JsonReply} rules and checked against it. A violation is
     * {@code assistant_output_not_json} with the validator's first messages as the reason.
     *
     * @param request the attempt, for {@code expectJson} and {@code schema}
     * @param sessionId the session
     * @param busy whether the session is busy or retrying
     * @param messages the session's messages to judge, oldest first (the caller leaves out messages
     *     already judged, such as a reply answered by a stricter follow-up prompt)
     * @param schemaCheck the compiled {@code request.schema()}, or {@code null} to check JSON syntax only
     * @return pending while busy or while the final message is not complete; otherwise completed
     *     or failed with its kind
     */
    public static GateVerdict judge(DispatchRequest request, String sessionId, boolean busy, List<MessageWithParts> messages,
            SchemaCheck schemaCheck) {
        if (busy) {
            return new GateVerdict.Pending("session busy");
        }
        Optional<MessageWithParts> latest = latestAssistant(messages);
        if (latest.isEmpty()) {
            return new GateVerdict.Pending("no assistant message yet");
        }
        MessageInfo info = latest.get().info();
        if (!info.isCompleted()) {
            return new GateVerdict.Pending("latest assistant message not completed");
        }
        String text = textOf(latest.get());
        boolean textInsteadOfStructured = info.error() != null && STRUCTURED_OUTPUT_ERROR.equals(info.error().name())
                && request.schema() != null && !text.isBlank();
        if (info.error() != null && !textInsteadOfStructured) {
            return new GateVerdict.Failed(FailureClassifier.classify(info.error()), FailureClassifier.describe(info.error()),
                    info.error());
        }
        JsonNode structured = info.structured() != null && !info.structured().isNull() ? info.structured() : null;
        if (text.isBlank() && structured == null) {
            return new GateVerdict.Failed(FailureKind.ASSISTANT_OUTPUT_MISSING_TEXT_PART,
                    "the final assistant message has no non-empty text part (finish: " + info.finish() + ")");
        }
        JsonNode json = null;
        if (request.schema() != null || request.expectJson()) {
            json = structured != null ? structured : JsonReply.parse(text).orElse(null);
            if (json == null) {
                return new GateVerdict.Failed(FailureKind.ASSISTANT_OUTPUT_NOT_JSON, (textInsteadOfStructured
                        ? "the model produced no structured output and its text is not JSON: "
                        : "JSON was expected but the reply is not JSON: ") + excerpt(text));
            }
            List<String> violations = schemaCheck == null ? List.of() : schemaCheck.violations(json);
            if (!violations.isEmpty()) {
                return new GateVerdict.Failed(FailureKind.ASSISTANT_OUTPUT_NOT_JSON, (structured != null
                        ? "the structured output does not match the schema: " : "the reply does not match the schema: ")
                        + SchemaCheck.summary(violations));
            }
        }
        if (text.isBlank()) {
            text = structured.toString();
        }
        return new GateVerdict.Completed(new DispatchResult(sessionId, info.id(), modelOf(info), info.agent(), text, json,
                tokensOf(messages), costOf(messages), info.finish(), Duration.ZERO));
    }

    /**
     * @param messages the session's messages, oldest first
     * @return the newest assistant message (it may be the compaction agent's)
     */
    public static Optional<MessageWithParts> latestAssistant(List<MessageWithParts> messages) {
        for (int index = messages.size() - 1; index >= 0; index--) {
            MessageWithParts message = messages.get(index);
            if (message.info() != null && message.info().isAssistant()) {
                return Optional.of(message);
            }
        }
        return Optional.empty();
    }

    /**
     * @param message an assistant message
     * @return its text parts (not synthetic, not ignored) joined with blank lines, trimmed
     */
    public static String textOf(MessageWithParts message) {
        if (message.parts() == null) {
            return "";
        }
        return message.parts().stream()
                .filter(part -> "text".equals(part.type()))
                .filter(part -> !Boolean.TRUE.equals(part.synthetic()) && !Boolean.TRUE.equals(part.ignored()))
                .map(Part::text)
                .filter(text -> text != null && !text.isBlank())
                .collect(Collectors.joining("\n\n"))
                .strip();
    }

    private static String modelOf(MessageInfo info) {
        if (info.providerId() == null || info.modelId() == null) {
            return null;
        }
        return info.providerId() + "/" + info.modelId();
    }

    /** Sums tokens over every assistant message: each step of a turn is its own message. */
    static TokenUsage tokensOf(List<MessageWithParts> messages) {
        TokenUsage usage = TokenUsage.ZERO;
        for (MessageWithParts message : messages) {
            if (message.info() != null && message.info().isAssistant()) {
                usage = usage.plus(message.info().tokens());
            }
        }
        return usage;
    }

    static double costOf(List<MessageWithParts> messages) {
        double cost = 0;
        for (MessageWithParts message : messages) {
            if (message.info() != null && message.info().isAssistant() && message.info().cost() != null) {
                cost += message.info().cost();
            }
        }
        return cost;
    }

    private static String excerpt(String text) {
        String oneLine = text.replaceAll("\\s+", " ").strip();
        return oneLine.length() <= 120 ? '"' + oneLine + '"' : '"' + oneLine.substring(0, 117) + "...\"";
    }
}
