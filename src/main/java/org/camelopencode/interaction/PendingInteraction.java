package org.camelopencode.interaction;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Objects;
import org.camelopencode.client.OpenCodeJson;

/**
 * A permission or question request that waits for a person: what an {@link Escalation} publishes.
 *
 * @param type {@link #PERMISSION} or {@link #QUESTION}
 * @param requestId the request id ({@code per_...} or {@code que_...}), what the approval names
 * @param sessionId the session that waits
 * @param sessionTitle the session's title (task, run, stage, attempt)
 * @param request the request as the server sent it ({@code permission.asked} / {@code question.asked}
 *     properties, or an entry of {@code GET /permission} / {@code GET /question})
 * @param expiresAt when the dispatch stops waiting and fails as {@code pending_*}
 * @param rule the policy rule that escalated, or {@code null} when no rule matched
 */
public record PendingInteraction(String type, String requestId, String sessionId, String sessionTitle, JsonNode request,
        Instant expiresAt, String rule) {

    /** {@link #type()} of a permission request. */
    public static final String PERMISSION = "permission";
    /** {@link #type()} of a question request. */
    public static final String QUESTION = "question";

    /** Validates the required fields. */
    public PendingInteraction {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    /**
     * The message a person (or their tool) reads:
     * <pre>{@code
     * {"type": "permission", "requestId": "per_...", "sessionId": "ses_...", "sessionTitle": "...",
     *  "expiresAt": "2026-11-21T10:00:00Z", "rule": "edit:*=escalate",
     *  "permission": "bash", "patterns": ["git push"], "command": "git push",   (permissions)
     *  "questions": [{"question", "header", "options": [{"label", "description"}]}],   (questions)
     *  "request": {... as the server sent it ...},
     *  "answerWith": {"requestId": "per_...", "reply": "once|always|reject", "message": "optional feedback"}}
     * }</pre>
     *
     * @return the JSON object
     */
    public ObjectNode toJson() {
        ObjectNode json = OpenCodeJson.mapper().createObjectNode();
        json.put("type", type);
        json.put("requestId", requestId);
        json.put("sessionId", sessionId);
        json.put("sessionTitle", sessionTitle);
        json.put("expiresAt", expiresAt.toString());
        json.put("rule", rule);
        ObjectNode answerWith = OpenCodeJson.mapper().createObjectNode().put("requestId", requestId);
        if (PERMISSION.equals(type)) {
            json.set("permission", request.path("permission"));
            json.set("patterns", request.path("patterns"));
            JsonNode command = request.path("metadata").path("command");
            if (!command.isMissingNode()) {
                json.set("command", command);
            }
            answerWith.put("reply", "once|always|reject").put("message", "optional feedback for the agent");
        } else {
            json.set("questions", request.path("questions"));
            answerWith.putArray("answers").addArray().add("label of the chosen option");
        }
        json.set("request", request);
        json.set("answerWith", answerWith);
        return json;
    }
}
