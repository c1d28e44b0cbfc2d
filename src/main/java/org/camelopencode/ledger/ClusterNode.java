package org.camelopencode.ledger;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;

/**
 * Who this runner is among the runners sharing one ledger, and how long its claims live without a heartbeat
 * ({@code opencode.cluster.node-id}, {@code opencode.cluster.lease}, {@code opencode.cluster.claim-wait},
 * {@code opencode.cluster.enabled}; README "Running several runners").
 *
 * @param nodeId the owner id written into claims and {@code cluster_nodes}, not blank, at most 256 characters
 * @param lease how long a claim stays live without a renewal, positive; renewed every lease/3
 * @param claimWait how long a task waits on a key claimed by a live owner before it is handed back, not negative
 * @param clustered whether other runners share the ledger; {@code false}: claims of other node ids are a dead earlier
 *     run's and are taken over at start
 */
public record ClusterNode(String nodeId, Duration lease, Duration claimWait, boolean clustered) {

    /** The default lease, 30 seconds. */
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);

    /**
     * Validates the values.
     *
     * @throws IllegalArgumentException for a blank or too long node id, a lease that is not positive, a negative wait
     */
    public ClusterNode {
        if (nodeId == null || nodeId.isBlank()) {
            throw new IllegalArgumentException("the cluster node needs an id (opencode.cluster.node-id)");
        }
        nodeId = nodeId.strip();
        if (nodeId.length() > 256) {
            throw new IllegalArgumentException("opencode.cluster.node-id is longer than 256 characters: " + nodeId);
        }
        if (lease == null || lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("opencode.cluster.lease must be positive, was " + lease);
        }
        if (lease.toMillis() < 30) {
            throw new IllegalArgumentException("opencode.cluster.lease must be at least 30 ms, was " + lease);
        }
        if (claimWait == null) {
            claimWait = lease.multipliedBy(2);
        }
        if (claimWait.isNegative()) {
            throw new IllegalArgumentException("opencode.cluster.claim-wait must not be negative, was " + claimWait);
        }
    }

    /** @return a single runner: node id {@link #defaultNodeId()}, lease {@link #DEFAULT_LEASE}, wait 2 x lease */
    public static ClusterNode single() {
        return new ClusterNode(defaultNodeId(), DEFAULT_LEASE, null, false);
    }

    /** @return {@code <host>-<pid>}, the default node id (the host name, else {@code localhost} when it is unknown) */
    public static String defaultNodeId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException unknown) {
            host = "localhost";
        }
        return host + "-" + ProcessHandle.current().pid();
    }

    /** @return how often the heartbeat renews the leases: a third of the lease */
    public Duration renewEvery() {
        return lease.dividedBy(3);
    }

    /** @return how often the take-over sweep looks for expired claims: half the lease */
    public Duration sweepEvery() {
        return lease.dividedBy(2);
    }
}
