package org.camelopencode.ledger;

import java.time.Instant;

/**
 * One row of {@code cluster_nodes}: a runner and its heartbeat.
 *
 * @param nodeId the node id ({@code opencode.cluster.node-id})
 * @param startedAt when it registered, by the database's clock
 * @param lastRenewal its last heartbeat
 * @param renewals heartbeats since it registered
 * @param leaseUntil until when it counts as live without another heartbeat
 * @param live whether the lease had not expired when the row was read
 */
public record NodeLease(String nodeId, Instant startedAt, Instant lastRenewal, long renewals, Instant leaseUntil, boolean live) {
}
