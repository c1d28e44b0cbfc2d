package org.camelopencode.interaction;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.camelopencode.client.PermissionReply;

/**
 * A person's answer to an escalated request, as it comes back from the approval endpoint.
 *
 * <p>JSON forms ({@link #parse(JsonNode)}):
 * <pre>{@code
 * {"requestId": "per_...", "reply": "once" | "always" | "reject", "message": "optional feedback"}
 * {"requestId": "que_...", "answers": [["staging"]]}      one list of option labels per question
 * {"requestId": "que_...", "reply": "reject"}             reject the question
 * }</pre>
 * The type comes from {@code "type"} ({@code permission} / {@code question}) or else from the id's
 * prefix ({@code per_} / {@code que_}).
 *
 * @param type {@link PendingInteraction#PERMISSION} or {@link PendingInteraction#QUESTION}
 * @param requestId the request being answered
 * @param reply for permissions: the reply; for questions: {@code REJECT} or {@code null} when answered
 * @param message feedback for the agent with a permission reply, may be {@code null}
 * @param answers for answered questions: one list of labels per question; otherwise empty
 */
public record Approval(String type, String requestId, PermissionReply reply, String message, List<List<String>> answers) {

    /** Copies the answers. */
    public Approval {
        answers = answers == null ? List.of() : answers.stream().map(List::copyOf).toList();
    }

    /**
     * Reads an approval message.
     *
     * @param json the message body
     * @return the approval
     * @throws IllegalArgumentException naming what is missing or wrong
     */
    public static Approval parse(JsonNode json) {
        if (json == null || !json.isObject()) {
            throw new IllegalArgumentException("an approval must be a JSON object with requestId and reply or answers");
        }
        String requestId = text(json, "requestId");
        if (requestId == null) {
            throw new IllegalArgumentException("the approval has no requestId");
        }
        String type = text(json, "type");
        if (type == null) {
            type = requestId.startsWith("que_") ? PendingInteraction.QUESTION
                    : requestId.startsWith("per_") ? PendingInteraction.PERMISSION : null;
        }
        if (!PendingInteraction.PERMISSION.equals(type) && !PendingInteraction.QUESTION.equals(type)) {
            throw new IllegalArgumentException("approval for " + requestId
                    + ": type must be permission or question (or the id must start with per_ or que_)");
        }
        PermissionReply reply = replyOf(json, requestId);
        String message = text(json, "message");
        if (PendingInteraction.PERMISSION.equals(type)) {
            if (reply == null) {
                throw new IllegalArgumentException("approval for " + requestId + ": reply must be once, always or reject");
            }
            return new Approval(type, requestId, reply, message, List.of());
        }
        if (reply == PermissionReply.REJECT) {
            return new Approval(type, requestId, reply, message, List.of());
        }
        if (reply != null) {
            throw new IllegalArgumentException("approval for " + requestId + ": a question takes answers or reply=reject");
        }
        return new Approval(type, requestId, null, message, answersOf(json, requestId));
    }

    private static List<List<String>> answersOf(JsonNode json, String requestId) {
        JsonNode answers = json.path("answers");
        if (!answers.isArray() || answers.isEmpty()) {
            throw new IllegalArgumentException("approval for " + requestId + ": answers must be a non-empty list of label lists");
        }
        List<List<String>> lists = new ArrayList<>();
        for (JsonNode answer : answers) {
            List<String> labels = new ArrayList<>();
            if (answer.isTextual()) {
                labels.add(answer.asText());
            } else if (answer.isArray()) {
                answer.forEach(label -> labels.add(label.asText()));
            } else {
                throw new IllegalArgumentException("approval for " + requestId + ": each answer is a label or a list of labels");
            }
            lists.add(labels);
        }
        return lists;
    }

    private static PermissionReply replyOf(JsonNode json, String requestId) {
        String reply = text(json, "reply");
        if (reply == null) {
            return null;
        }
        try {
            return PermissionReply.valueOf(reply.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException unknown) {
            throw new IllegalArgumentException("approval for " + requestId + ": reply must be once, always or reject, was '" + reply + "'");
        }
    }

    private static String text(JsonNode json, String field) {
        JsonNode value = json.get(field);
        return value == null || value.isNull() || value.asText().isBlank() ? null : value.asText().strip();
    }
}
