package org.camelopencode.ledger;

import java.time.Instant;

/**
 * Where an approval goes ({@link ApprovalRouting}): applied by this runner, forwarded to the runner that owns the
 * waiting session, or rejected because nobody owns it any more.
 *
 * @param action what to do
 * @param node for {@link Action#FORWARD}: the owner's node id; otherwise {@code null}
 * @param sessionId the waiting session when the ledger knows it, else {@code null}
 * @param expiresAt for {@link Action#FORWARD}: when the request's dispatch stops waiting (the forwarded message's
 *     expiration); otherwise {@code null}
 * @param reason why, in words: for {@link Action#REJECT} the text of {@code OpenCodeApprovalError}
 */
public record ApprovalDestination(Action action, String node, String sessionId, Instant expiresAt, String reason) {

    /** What the runner that read the approval does with it. */
    public enum Action {
        /** Apply it on this runner's servers ({@code GET /permission} or {@code GET /question} find the request). */
        APPLY_HERE,
        /** Send it on to the runner {@link #node()}, which owns the waiting session. */
        FORWARD,
        /** Nobody owns the session any more: the approval goes to the rejected queue with {@link #reason()}. */
        REJECT
    }

    /**
     * @param sessionId the waiting session, or {@code null} when unknown
     * @param reason why here
     * @return apply it on this runner's servers
     */
    public static ApprovalDestination applyHere(String sessionId, String reason) {
        return new ApprovalDestination(Action.APPLY_HERE, null, sessionId, null, reason);
    }

    /**
     * @param node the owner
     * @param sessionId the waiting session
     * @param expiresAt when the request's dispatch stops waiting
     * @param reason why there
     * @return forward it to the owner
     */
    public static ApprovalDestination forward(String node, String sessionId, Instant expiresAt, String reason) {
        return new ApprovalDestination(Action.FORWARD, node, sessionId, expiresAt, reason);
    }

    /**
     * @param sessionId the session that waited, or {@code null}
     * @param reason why nobody can apply it
     * @return reject it
     */
    public static ApprovalDestination reject(String sessionId, String reason) {
        return new ApprovalDestination(Action.REJECT, null, sessionId, null, reason);
    }
}
