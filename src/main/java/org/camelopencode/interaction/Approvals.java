package org.camelopencode.interaction;

import org.camelopencode.client.OpenCodeClient;
import org.camelopencode.client.PermissionRequest;
import org.camelopencode.client.QuestionRequest;

/**
 * Applies a person's {@link Approval} to the server, which resumes the waiting session; the
 * dispatch that escalated sees the reply event and goes on to its gate.
 */
public final class Approvals {

    private Approvals() {
    }

    /**
     * Sends the approval: {@code POST /permission/{id}/reply}, {@code POST /question/{id}/reply} or
     * {@code POST /question/{id}/reject}, after checking with {@code GET /permission} /
     * {@code GET /question} that the request still waits.
     *
     * @param client the server's client
     * @param approval the answer
     * @return the session that was waiting
     * @throws ApprovalNotPendingException when the request no longer waits (answered already, or
     *     expired: its dispatch failed and aborted the session)
     * @throws org.camelopencode.client.OpenCodeClientException when the server cannot be reached or refuses
     */
    public static String apply(OpenCodeClient client, Approval approval) {
        if (PendingInteraction.PERMISSION.equals(approval.type())) {
            PermissionRequest pending = client.permissions().stream()
                    .filter(request -> approval.requestId().equals(request.id())).findFirst()
                    .orElseThrow(() -> new ApprovalNotPendingException(approval.requestId()));
            client.replyPermission(approval.requestId(), approval.reply(), approval.message());
            return pending.sessionId();
        }
        QuestionRequest pending = client.questions().stream()
                .filter(request -> approval.requestId().equals(request.id())).findFirst()
                .orElseThrow(() -> new ApprovalNotPendingException(approval.requestId()));
        if (approval.reply() != null) {
            client.rejectQuestion(approval.requestId());
        } else {
            client.replyQuestion(approval.requestId(), approval.answers());
        }
        return pending.sessionId();
    }

    /** The approved request is not pending on the server any more. */
    public static final class ApprovalNotPendingException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        /** @param requestId the request */
        public ApprovalNotPendingException(String requestId) {
            super("request " + requestId + " is not pending any more (answered already, or its time to live passed"
                    + " and its session was aborted)");
        }
    }

    /** Nobody owns the session the approval answers any more (its task ended, or its runner's lease expired). */
    public static final class ApprovalNotOwnedException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        /** @param reason why, naming the request, session, task and node (no secrets) */
        public ApprovalNotOwnedException(String reason) {
            super(reason);
        }
    }
}
