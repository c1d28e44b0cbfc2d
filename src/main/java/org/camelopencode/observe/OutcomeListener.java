package org.camelopencode.observe;

import java.time.Duration;
import java.time.Instant;
import org.camelopencode.dispatch.AttemptListener;
import org.camelopencode.dispatch.DispatchResult;
import org.camelopencode.failure.OpenCodeFailureException;

/**
 * An {@link AttemptListener} that turns the attempt's end into one {@link AttemptOutcome}: the result's, or the
 * failure's with the asked model when the failure names none and the wall time since this listener was made. A
 * hand-back (the task's key held by another runner) is no outcome: it goes to {@link #handedBack(Duration)}.
 */
abstract class OutcomeListener implements AttemptListener {

    private final String askedModel;
    private final Instant startedAt = Instant.now();

    /** @param askedModel the model the request named, or {@code null} */
    OutcomeListener(String askedModel) {
        this.askedModel = askedModel;
    }

    /** @param outcome how the attempt ended; called once */
    abstract void ended(AttemptOutcome outcome);

    /** @param waited wall time since this listener was made (the claim wait); called once, instead of {@link #ended} */
    abstract void handedBack(Duration waited);

    @Override
    public final void completed(DispatchResult result) {
        ended(AttemptOutcome.of(result));
    }

    @Override
    public final void failed(OpenCodeFailureException failure) {
        ended(AttemptOutcome.of(failure, askedModel, Duration.between(startedAt, Instant.now())));
    }

    @Override
    public final void handedBack(String reason) {
        handedBack(Duration.between(startedAt, Instant.now()));
    }
}
