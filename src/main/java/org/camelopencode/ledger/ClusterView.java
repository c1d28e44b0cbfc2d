package org.camelopencode.ledger;

import java.util.List;

/**
 * The cluster as {@code opencode:cluster} and the status page show it (README "Running several runners"): this
 * runner's node id, every node of {@code cluster_nodes} with its lease, and the task keys each owns
 * ({@code task_claims}), read from the ledger now. Times are ISO-8601 by the database's clock.
 *
 * @param nodeId this runner's node id
 * @param clustered whether other runners share the ledger ({@code opencode.cluster.enabled})
 * @param nodes every registered node, by id
 * @param problem why the ledger could not be read, or {@code null}
 */
public record ClusterView(String nodeId, boolean clustered, List<Node> nodes, String problem) {

    /**
     * Reads the view; an unreadable ledger gives an empty view with the {@code problem}.
     *
     * @param ledger the ledger
     * @param thisNode this runner
     * @return the view
     */
    public static ClusterView of(DispatchLedger ledger, ClusterNode thisNode) {
        String self = thisNode.nodeId();
        boolean clustered = thisNode.clustered();
        try {
            List<TaskClaim> claims = ledger.claims().claims();
            List<Node> nodes = ledger.claims().nodes().stream().map(node -> Node.of(node, self, claims)).toList();
            return new ClusterView(self, clustered, nodes, null);
        } catch (LedgerException unreadable) {
            return new ClusterView(self, clustered, List.of(), unreadable.getMessage());
        }
    }

    /**
     * One runner.
     *
     * @param nodeId its node id
     * @param self whether it is this runner
     * @param live whether its lease had not expired
     * @param startedAt when it registered (ISO-8601, the database's clock)
     * @param lastRenewal its last heartbeat
     * @param renewals heartbeats since it registered
     * @param leaseUntil until when it counts as live
     * @param tasks the task keys it owns, oldest claim first
     */
    public record Node(String nodeId, boolean self, boolean live, String startedAt, String lastRenewal, long renewals,
            String leaseUntil, List<Task> tasks) {

        static Node of(NodeLease node, String self, List<TaskClaim> claims) {
            return new Node(node.nodeId(), node.nodeId().equals(self), node.live(), String.valueOf(node.startedAt()),
                    String.valueOf(node.lastRenewal()), node.renewals(), String.valueOf(node.leaseUntil()),
                    claims.stream().filter(claim -> claim.owner().equals(node.nodeId())).map(Task::of).toList());
        }
    }

    /**
     * One claimed task.
     *
     * @param taskKey its ledger key
     * @param taskName its name, or {@code null}
     * @param claimedAt when its owner claimed it
     * @param leaseUntil its lease's end
     * @param takeovers how often it was taken over
     */
    public record Task(String taskKey, String taskName, String claimedAt, String leaseUntil, int takeovers) {

        static Task of(TaskClaim claim) {
            return new Task(claim.taskKey(), claim.taskName(), String.valueOf(claim.claimedAt()), String.valueOf(claim.leaseUntil()),
                    claim.takeovers());
        }
    }
}
