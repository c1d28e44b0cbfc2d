package org.camelopencode.dispatch;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.camelopencode.failure.FailureKind;
import org.camelopencode.failure.OpenCodeFailureException;
import org.camelopencode.failure.RetryAfter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The future an attempt's caller holds, and what goes into it: the duration, the usage of the session's events, the
 * time to retry after, the closing log line and the gate latency. The run calls it once, after moving to
 * {@link Phase#DONE}.
 */
final class AttemptOutcome {

    private static final Logger LOG = LoggerFactory.getLogger(AttemptOutcome.class);

    private final DispatchRequest request;
    private final long startNanos = System.nanoTime();
    private final CompletableFuture<DispatchResult> future = new CompletableFuture<>();
    private volatile Consumer<Duration> gateLatencyListener;

    /** @param request the attempt */
    AttemptOutcome(DispatchRequest request) {
        this.request = request;
    }

    /** @return completes with the checked result or exceptionally with an {@link OpenCodeFailureException} */
    CompletableFuture<DispatchResult> future() {
        return future;
    }

    /** @return {@link System#nanoTime()} at the dispatch */
    long startNanos() {
        return startNanos;
    }

    /** @return the time since the dispatch */
    Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /** @param listener told, on success, how long the gate took from the session going idle to the verdict; may be null */
    void onGateLatency(Consumer<Duration> listener) {
        this.gateLatencyListener = listener;
    }

    /**
     * @param checked the gate's result
     * @param seen what the run knew at the verdict (idle since, usage)
     */
    void complete(DispatchResult checked, GateSnapshot seen) {
        DispatchResult timed = checked.withDuration(elapsed());
        future.complete(timed);
        reportGateLatency(seen.idleSinceNanos(), timed.sessionId());
        LOG.info("'{}' completed in {} ms in {} with model {}: {}", request.sessionTitle(), timed.duration().toMillis(),
                timed.sessionId(), timed.model(), DispatchProgress.usage(seen.usage()));
    }

    /**
     * @param failure the failure; its usage is attached here, and for {@code rate_limited} / {@code provider_unavailable}
     *     without a time to retry after, the one of the latest {@code retry} status
     * @param seen what the run knew at the failure
     */
    void fail(OpenCodeFailureException failure, GateSnapshot seen) {
        failure.attachUsage(request.model(), seen.usage().tokens(), seen.usage().cost(), elapsed());
        if (failure.getRetryAfter() == null && (failure.getKind() == FailureKind.RATE_LIMITED
                || failure.getKind() == FailureKind.PROVIDER_UNAVAILABLE)) {
            failure.withRetryAfter(RetryAfter.fromStatus(seen.latestStatus(), Instant.now()));
        }
        future.completeExceptionally(failure);
        LOG.info("'{}' failed after {} ms in {}: {} ({})", request.sessionTitle(), elapsed().toMillis(), failure.getSessionId(),
                failure.getMessage(), DispatchProgress.usage(seen.usage()));
    }

    /** Completion detection latency: from the moment the session was seen idle to the verdict. */
    private void reportGateLatency(long idleSinceNanos, String sessionId) {
        Consumer<Duration> listener = gateLatencyListener;
        if (listener == null || idleSinceNanos == GateSnapshot.NOT_IDLE) {
            return;
        }
        try {
            listener.accept(Duration.ofNanos(System.nanoTime() - idleSinceNanos));
        } catch (RuntimeException failure) {
            LOG.debug("Session {}: the gate latency listener failed: {}", sessionId, failure.toString());
        }
    }
}
