package org.camelopencode.ledger;

import java.util.List;
import java.util.Optional;

/**
 * Finds the runner that owns the session an approval answers (README "Running several runners", "Interruptions").
 * The approval names only its request id; the ledger knows the rest: the request's escalation ({@code escalations}:
 * its session and the runner that escalated it), the session's latest dispatch entry ({@code dispatches}: its task key
 * and whether it still runs) and that key's claim ({@code task_claims}: the owner now, which after a take-over is not
 * the runner that escalated) or, for a dispatch without a task key, the escalating runner's heartbeat
 * ({@code cluster_nodes}). {@link #decide} is the pure decision; {@link #resolve} reads the rows.
 */
public final class ApprovalRouting {

    private ApprovalRouting() {
    }

    /**
     * Reads the rows of a request and decides.
     *
     * @param ledger the shared ledger
     * @param self this runner's node id
     * @param requestId the approval's request id
     * @return where the approval goes
     * @throws LedgerException when the database fails
     */
    public static ApprovalDestination resolve(DispatchLedger ledger, String self, String requestId) {
        Optional<EscalationEntry> escalation = ledger.escalations().find(requestId);
        if (escalation.isEmpty()) {
            return decide(self, requestId, null, null, null, List.of());
        }
        Optional<LedgerEntry> entry = ledger.latestForSession(escalation.get().sessionId());
        Optional<TaskClaim> claim = entry.filter(found -> found.status() == DispatchStatus.RUNNING)
                .flatMap(found -> ledger.claims().find(found.taskKey()));
        List<NodeLease> nodes = entry.isEmpty() ? ledger.claims().nodes() : List.of();
        return decide(self, requestId, escalation.get(), entry.orElse(null), claim.orElse(null), nodes);
    }

    /**
     * The decision, in this order:
     * <ol>
     *   <li>no escalation recorded (another version, or not escalated here): apply here, the servers have the last word</li>
     *   <li>its time to live passed: reject (its dispatch stopped waiting)</li>
     *   <li>its session's dispatch entry ended: reject, naming the status</li>
     *   <li>its session's entry runs: by the task key's claim: none: reject; lease expired: reject; this runner's: apply
     *       here; another runner's: forward to it</li>
     *   <li>no entry (a dispatch without a task key): the escalating runner: this one: apply here; live: forward to it;
     *       gone: reject</li>
     * </ol>
     *
     * @param self this runner's node id
     * @param requestId the request
     * @param escalation its escalation, or {@code null}
     * @param entry the latest dispatch entry of its session, or {@code null}
     * @param claim the claim of that entry's task key when the entry runs, or {@code null}
     * @param nodes the registered runners (read only when there is no entry)
     * @return where the approval goes
     */
    public static ApprovalDestination decide(String self, String requestId, EscalationEntry escalation, LedgerEntry entry,
            TaskClaim claim, List<NodeLease> nodes) {
        if (escalation == null) {
            return ApprovalDestination.applyHere(null, "request " + requestId + " was not escalated through this ledger");
        }
        String session = escalation.sessionId();
        String notPending = "request " + requestId + " is not pending any more: ";
        if (escalation.expired()) {
            return ApprovalDestination.reject(session, notPending + "its time to live passed at " + escalation.expiresAt()
                    + " (session " + session + " stopped waiting)");
        }
        if (entry != null) {
            if (entry.status() != DispatchStatus.RUNNING) {
                return ApprovalDestination.reject(session, notPending + "the task " + label(entry) + " of session " + session
                        + " ended (" + entry.status().wireName() + "); nobody owns the session any more");
            }
            if (claim == null) {
                return ApprovalDestination.reject(session, "nobody owns session " + session + " any more: no runner holds task "
                        + label(entry));
            }
            if (!claim.live()) {
                return ApprovalDestination.reject(session, "nobody owns session " + session + " any more: the lease of node "
                        + claim.owner() + " on task " + label(entry) + " expired at " + claim.leaseUntil());
            }
            return owner(self, claim.owner(), escalation, "task " + label(entry) + " is claimed by node " + claim.owner());
        }
        Optional<NodeLease> node = nodes.stream().filter(lease -> lease.nodeId().equals(escalation.nodeId())).findFirst();
        if (escalation.nodeId().equals(self) || node.map(NodeLease::live).orElse(false)) {
            return owner(self, escalation.nodeId(), escalation, "node " + escalation.nodeId() + " escalated it and is live");
        }
        return ApprovalDestination.reject(session, "nobody owns session " + session + " any more: node " + escalation.nodeId()
                + ", which escalated it, " + node.map(lease -> "stopped renewing its lease at " + lease.leaseUntil())
                        .orElse("is not registered"));
    }

    private static ApprovalDestination owner(String self, String owner, EscalationEntry escalation, String why) {
        return owner.equals(self) ? ApprovalDestination.applyHere(escalation.sessionId(), why)
                : ApprovalDestination.forward(owner, escalation.sessionId(), escalation.expiresAt(), why);
    }

    private static String label(LedgerEntry entry) {
        return entry.taskName() == null ? entry.taskKey() : entry.taskName() + " (key " + entry.taskKey() + ")";
    }
}
