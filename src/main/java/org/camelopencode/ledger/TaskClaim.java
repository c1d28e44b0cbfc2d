package org.camelopencode.ledger;

import java.time.Instant;

/**
 * One row of {@code task_claims}: a task key running somewhere.
 *
 * @param taskKey the task's ledger key
 * @param owner the node id that runs it
 * @param claimedAt when its owner claimed (or took over) it, by the database's clock
 * @param leaseUntil until when the claim is live without a renewal, by the database's clock
 * @param takeovers how many times it was taken over from a node whose lease expired
 * @param taskName the task's name, or {@code null}
 * @param trigger the trigger that stored the task ({@code kafka}), or {@code null}
 * @param taskBody the stored task (what the trigger read: a JSON task or Markdown/text), or {@code null}
 * @param live whether the lease had not expired when the row was read
 */
public record TaskClaim(String taskKey, String owner, Instant claimedAt, Instant leaseUntil, int takeovers, String taskName,
        String trigger, String taskBody, boolean live) {
}
