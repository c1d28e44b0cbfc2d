package org.camelopencode.ledger;

/** What {@link TaskClaims#claim} found: whether the caller may run the task now, and why. */
public enum ClaimState {
    /** Nobody held the key: the caller's new claim. */
    CLAIMED(true),
    /** The caller already held it (a retry of the same exchange): its lease was renewed. */
    ALREADY_OWNED(true),
    /** Another node held it and its lease had expired: now the caller's (re-attach the recorded session). */
    TAKEN_OVER(true),
    /** Another node holds it with a live lease: the caller must not run the task. */
    HELD_BY_LIVE_OWNER(false);

    private final boolean mayRun;

    ClaimState(boolean mayRun) {
        this.mayRun = mayRun;
    }

    /** @return whether the caller owns the key now and may run the task */
    public boolean mayRun() {
        return mayRun;
    }
}
