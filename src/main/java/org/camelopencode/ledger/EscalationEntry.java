package org.camelopencode.ledger;

import java.time.Instant;

/**
 * One row of {@code escalations}: a permission or question request a runner sent to the approval queue.
 *
 * @param requestId the OpenCode request id ({@code per_...} or {@code que_...})
 * @param sessionId the session that waits for it ({@code ses_...})
 * @param nodeId the runner that escalated it (its {@code opencode.cluster.node-id})
 * @param escalatedAt when it was escalated, by the database's clock
 * @param expiresAt when its dispatch stops waiting for the approval (the time to live)
 * @param expired whether {@code expiresAt} had passed, by the database's clock, when the row was read
 */
public record EscalationEntry(String requestId, String sessionId, String nodeId, Instant escalatedAt, Instant expiresAt,
        boolean expired) {
}
