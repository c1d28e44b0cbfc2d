package org.camelopencode.ledger;

import java.time.Instant;

/**
 * A task whose key another runner holds with a live lease, still held after the wait
 * ({@code opencode.cluster.claim-wait}): nothing was dispatched; the trigger hands the task back (a JMS rollback, the
 * file left in the inbox) so it is delivered again later. The playbook does not handle it.
 */
public class TaskClaimedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String taskKey;
    private final String owner;

    /**
     * @param taskKey the task's ledger key
     * @param owner the node that holds it
     * @param leaseUntil its lease's end, by the database's clock
     */
    public TaskClaimedException(String taskKey, String owner, Instant leaseUntil) {
        super("task " + taskKey + " is running on node " + owner + " (lease until " + leaseUntil + "): not dispatched here,"
                + " handed back to its trigger");
        this.taskKey = taskKey;
        this.owner = owner;
    }

    /** @return the task's ledger key */
    public String getTaskKey() {
        return taskKey;
    }

    /** @return the node that holds the key */
    public String getOwner() {
        return owner;
    }
}
