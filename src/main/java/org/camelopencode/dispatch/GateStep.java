package org.camelopencode.dispatch;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.camelopencode.client.MessageError;
import org.camelopencode.client.MessageWithParts;
import org.camelopencode.failure.FailureClassifier;
import org.camelopencode.failure.FailureKind;

/**
 * What a run does with one look at its idle session, as a pure function of the snapshot and the messages (no HTTP).
 * {@link CompletionGate#judge} gives the verdict on the messages; the step decides what it means for this attempt: the
 * stricter JSON retry budget, a re-attached session lost with its turn, a rejected request that ended the turn, the
 * token and cost caps, and the settle time after which a missing reply is a failure.
 *
 * @param request the attempt (expectations, schema, limits)
 * @param sessionId the session ({@code ses_...})
 * @param schemaCheck the compiled {@code request.schema()}, or {@code null}
 * @param mode fresh or re-attached
 * @param settleTimeout how long an idle session's final message may take to become readable
 */
record GateStep(DispatchRequest request, String sessionId, SchemaCheck schemaCheck, RunMode mode, Duration settleTimeout) {

    /**
     * @param snapshot what the run knows (idle since, last session error, JSON retries so far)
     * @param messages the session's messages, oldest first ({@code GET /session/{id}/message})
     * @param lastRejection the latest permission or question request this attempt rejected or saw rejected, or {@code null}
     * @param nowNanos {@link System#nanoTime()} now, for the settle time
     * @return the decision
     */
    GateDecision decide(GateSnapshot snapshot, List<MessageWithParts> messages, InterruptionHandler.Rejection lastRejection,
            long nowNanos) {
        JsonRetries retries = snapshot.jsonRetries();
        List<MessageWithParts> judged = retries.notYetJudged(messages);
        GateVerdict verdict = CompletionGate.judge(request, sessionId, false, judged, schemaCheck);
        if (verdict instanceof GateVerdict.Completed completed) {
            return completion(completed.result(), messages);
        }
        if (verdict instanceof GateVerdict.Failed failed) {
            return failure(failed, retries, judged, lastRejection);
        }
        return unsettled(((GateVerdict.Pending) verdict).reason(), snapshot, nowNanos);
    }

    /**
     * The happy path without a round trip: only a completed verdict on the messages the events describe counts;
     * anything else, every failure included, is judged on a read of the server.
     *
     * @param snapshot what the run knows
     * @param messages the messages of {@link GateSnapshot#transcript()}
     * @return the decision when the verdict on these messages is completed; empty otherwise
     */
    Optional<GateDecision> decideFromEvents(GateSnapshot snapshot, List<MessageWithParts> messages) {
        GateVerdict verdict = CompletionGate.judge(request, sessionId, false, snapshot.jsonRetries().notYetJudged(messages),
                schemaCheck);
        return verdict instanceof GateVerdict.Completed completed ? Optional.of(completion(completed.result(), messages))
                : Optional.empty();
    }

    /** A turn that ended over its cap before the step event was counted is still over its cap. */
    private GateDecision completion(DispatchResult checked, List<MessageWithParts> messages) {
        DispatchResult result = checked.withUsage(CompletionGate.tokensOf(messages), CompletionGate.costOf(messages));
        Optional<String> over = request.limits().exceededBy(result.tokens(), result.cost());
        if (over.isPresent()) {
            return new GateDecision.Fail(FailureKind.BUDGET_EXCEEDED, over.get(), null, null);
        }
        return new GateDecision.Complete(result);
    }

    private GateDecision failure(GateVerdict.Failed failed, JsonRetries retries, List<MessageWithParts> judged,
            InterruptionHandler.Rejection lastRejection) {
        boolean notJson = failed.kind() == FailureKind.ASSISTANT_OUTPUT_NOT_JSON;
        if (notJson && retries.remain(request.limits())) {
            return new GateDecision.AskAgainForJson(failed.message(), CompletionGate.latestAssistant(judged).orElseThrow().info().id());
        }
        if (mode.lostWhenIdleWithoutReply(retries)) {
            return lost(failed.message());
        }
        if (lastRejection != null) {
            // The rejection ended the turn; the missing reply is its consequence, not the model's fault.
            return new GateDecision.Fail(FailureKind.REQUEST_REJECTED, lastRejection.described()
                    + ", and the turn ended without a reply (" + failed.message() + ")", lastRejection.request(), null);
        }
        return new GateDecision.Fail(failed.kind(), notJson ? retries.describe(failed.message()) : failed.message(), null,
                failed.error());
    }

    /**
     * Idle but the final message is not readable yet: look again shortly, within the settle time (and at once again
     * when a busy event came in the meantime).
     */
    private GateDecision unsettled(String reason, GateSnapshot snapshot, long nowNanos) {
        if (!snapshot.idle() || nowNanos - snapshot.idleSinceNanos() < settleTimeout.toNanos()) {
            return new GateDecision.Settle(reason);
        }
        MessageError sessionError = snapshot.lastSessionError();
        if (mode.lostWhenIdleWithoutReply(snapshot.jsonRetries())) {
            return lost(reason);
        }
        if (sessionError != null) {
            return new GateDecision.Fail(FailureClassifier.classify(sessionError), FailureClassifier.describe(sessionError), null,
                    sessionError);
        }
        return new GateDecision.Fail(FailureKind.AGENT_ERROR, "the session went idle but " + reason, null, null);
    }

    private GateDecision lost(String reason) {
        return new GateDecision.Lost("lost: session " + sessionId + " is idle without a final reply (" + reason
                + "); its turn ended with the runner or server that started it");
    }
}
