package org.camelopencode.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import org.camelopencode.client.MessageError;
import org.camelopencode.failure.FailureKind;

/** What a run does after one look at its idle session: {@link GateStep#decide}'s answer. */
sealed interface GateDecision {

    /**
     * The attempt completed.
     *
     * @param result the checked result, its usage summed over every message read (replies a stricter prompt rejected
     *     included); the run fills in the duration
     */
    record Complete(DispatchResult result) implements GateDecision {
    }

    /**
     * Send a stricter JSON prompt in the same session and judge its reply.
     *
     * @param reason why the reply is not the expected JSON (quoted in the prompt)
     * @param rejectedReplyId the reply that was not JSON ({@code msg_...}); later verdicts judge only what follows it
     */
    record AskAgainForJson(String reason, String rejectedReplyId) implements GateDecision {
    }

    /**
     * Idle, but the final message is not readable yet and the settle time has not passed: look again shortly.
     *
     * @param reason which gate condition does not hold yet, for logs
     */
    record Settle(String reason) implements GateDecision {
    }

    /**
     * A re-attached session is idle without a final reply: its turn died with the process that started it. The
     * attempt fails as {@code provider_unavailable} so the retry policy starts a new session.
     *
     * @param message the failure's message, starting {@code "lost: "}
     */
    record Lost(String message) implements GateDecision {
    }

    /**
     * The attempt failed.
     *
     * @param kind the failure kind
     * @param message a readable reason
     * @param request the permission or question request behind it ({@code request_rejected}), or {@code null}
     * @param error the server's error the failure comes from (its response headers may say when to retry), or
     *     {@code null}
     */
    record Fail(FailureKind kind, String message, JsonNode request, MessageError error) implements GateDecision {
    }
}
