package org.camelopencode.dispatch;

/**
 * Where one dispatch attempt is. The run changes it in one place ({@code DispatchRun.advance}) by a {@link Trigger};
 * {@link #after(Trigger)} is the whole transition table.
 *
 * <pre>
 * STARTING --session ready--> RUNNING &lt;--&gt; SETTLING (idle, final message not readable yet)
 *                              |  ^   \--&gt; JSON_RETRY (a stricter JSON prompt was sent)
 *                              v  |
 *                         AWAITING_APPROVAL (an escalated request waits for a person; the deadline stands still)
 * any phase but DONE --ending on purpose (deadline, budget, interruption, cancel)--> ENDING
 * any phase --decided (result or failure)--> DONE
 * </pre>
 */
enum Phase {
    /** Compiling the schema, creating the session (or, re-attached, about to watch it). */
    STARTING,
    /** The turn runs (or was last seen running): the gate waits for the session to go idle. */
    RUNNING,
    /** Idle, but the final assistant message is not readable yet: looked at again shortly, within the settle time. */
    SETTLING,
    /** A stricter JSON prompt was sent in the same session after a reply that was not the expected JSON. */
    JSON_RETRY,
    /** A permission or question request was escalated and no answer came yet. */
    AWAITING_APPROVAL,
    /** This attempt aborts its session or withdraws a request on purpose: the turn this ends is not judged. */
    ENDING,
    /** The attempt has its result or failure. */
    DONE;

    /** What moves a run from one phase to another. */
    enum Trigger {
        /** The session exists (created, or the re-attached one) and is watched from now on. */
        SESSION_READY,
        /** {@code GET /session/status} lists the session as busy or retrying. */
        SEEN_BUSY,
        /** The gate found the session idle without a readable final message (the settle time has not passed). */
        AWAITING_FINAL_MESSAGE,
        /** A stricter JSON prompt was sent. */
        STRICTER_PROMPT_SENT,
        /** A request was escalated for approval. */
        APPROVAL_WAIT_STARTED,
        /** No escalated request waits any more (answered, expired, or given up). */
        APPROVAL_WAIT_ENDED,
        /** The attempt aborts its session or withdraws a request on purpose. */
        ENDING_ON_PURPOSE,
        /** The attempt completed or failed. */
        DECIDED
    }

    /**
     * The transition table.
     *
     * @param trigger what happened
     * @return the next phase; this phase when the trigger does not move it (a run already past what the trigger is
     *     about, such as a busy status seen while awaiting approval or after the decision); {@code null} when the
     *     trigger cannot happen in this phase (a bug)
     */
    Phase after(Trigger trigger) {
        if (this == DONE) {
            return DONE;
        }
        return switch (trigger) {
            case DECIDED -> DONE;
            case ENDING_ON_PURPOSE -> ENDING;
            case SESSION_READY -> this == STARTING ? RUNNING : this == ENDING ? ENDING : null;
            case SEEN_BUSY -> turnMovesTo(RUNNING);
            case AWAITING_FINAL_MESSAGE -> turnMovesTo(SETTLING);
            case STRICTER_PROMPT_SENT -> turnMovesTo(JSON_RETRY);
            case APPROVAL_WAIT_STARTED -> this == STARTING ? null : this == ENDING ? ENDING : AWAITING_APPROVAL;
            case APPROVAL_WAIT_ENDED -> this == AWAITING_APPROVAL ? RUNNING : this == ENDING ? ENDING : null;
        };
    }

    /** What the turn's progress does: nothing before the session exists, nothing to a wait for a person or an ending. */
    private Phase turnMovesTo(Phase next) {
        return switch (this) {
            case STARTING -> null;
            case AWAITING_APPROVAL, ENDING, DONE -> this;
            default -> next;
        };
    }

    /** @return whether the gate judges the session in this phase (not before it exists, not while ending or after) */
    boolean judging() {
        return this == RUNNING || this == SETTLING || this == JSON_RETRY || this == AWAITING_APPROVAL;
    }

    /**
     * @param idle whether the session was last seen idle
     * @return the state {@link DispatchProgress} shows: {@code starting}, {@code awaiting approval}, else {@code idle}
     *     or {@code busy} as last seen
     */
    String progressState(boolean idle) {
        if (this == STARTING) {
            return "starting";
        }
        if (this == AWAITING_APPROVAL) {
            return "awaiting approval";
        }
        return idle ? "idle" : "busy";
    }
}
