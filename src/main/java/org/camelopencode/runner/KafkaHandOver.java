package org.camelopencode.runner;

import org.camelopencode.ledger.ClaimState;

/**
 * What the Kafka consumer does with a record once its key was looked up in the ledger (a pure decision, no I/O):
 * hand it to the worker route, or commit its offset and drop it because another place answers it.
 */
enum KafkaHandOver {
    /** Claimed (or taken over from a dead runner): this runner runs it. */
    RUN(true, "claimed"),
    /** Its key runs on another runner with a live lease: that runner writes the result. */
    RUNNING_ELSEWHERE(false, "running on another runner"),
    /** Its key already runs on this runner (the record came again after a rebalance). */
    RUNNING_HERE(false, "already running on this runner"),
    /** Its key completed (clustered runners): its result record was written once, not again. */
    COMPLETED(false, "already completed");

    private final boolean run;
    private final String reason;

    KafkaHandOver(boolean run, String reason) {
        this.run = run;
        this.reason = reason;
    }

    /**
     * @param state the claim's state
     * @param completed whether the key has a completed ledger entry, looked up after the claim
     * @param clustered whether several runners share the ledger ({@code opencode.cluster.enabled}); a single runner
     *     answers a completed key from its record, as without a cluster
     * @return the decision
     */
    static KafkaHandOver decide(ClaimState state, boolean completed, boolean clustered) {
        return switch (state) {
            case HELD_BY_LIVE_OWNER -> RUNNING_ELSEWHERE;
            case ALREADY_OWNED -> RUNNING_HERE;
            case CLAIMED, TAKEN_OVER -> completed && clustered ? COMPLETED : RUN;
        };
    }

    /** @return whether the record goes to the worker route */
    boolean run() {
        return run;
    }

    /** @return why, for the log */
    String reason() {
        return reason;
    }
}
