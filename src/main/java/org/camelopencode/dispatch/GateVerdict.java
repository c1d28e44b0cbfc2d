package org.camelopencode.dispatch;

import org.camelopencode.client.MessageError;
import org.camelopencode.failure.FailureKind;

/**
 * What the completion gate concluded from one look at a session.
 */
public sealed interface GateVerdict {

    /**
     * The turn is not over yet (busy, or the final message not written yet).
     *
     * @param reason which gate condition does not hold yet, for logs
     */
    record Pending(String reason) implements GateVerdict {
    }

    /**
     * Every gate condition holds.
     *
     * @param result the checked result (duration filled in by the dispatcher)
     */
    record Completed(DispatchResult result) implements GateVerdict {
    }

    /**
     * The turn is over and did not produce a checked result.
     *
     * @param kind the failure kind
     * @param message a readable reason
     * @param error the final assistant message's {@code error} the verdict comes from (its response
     *     headers may say when to retry), or {@code null} when the gate itself found the fault
     */
    record Failed(FailureKind kind, String message, MessageError error) implements GateVerdict {

        /**
         * A failure the gate found itself (no server error behind it).
         *
         * @param kind the failure kind
         * @param message a readable reason
         */
        public Failed(FailureKind kind, String message) {
            this(kind, message, null);
        }
    }
}
