package org.camelopencode.component;

import io.opentelemetry.api.trace.Span;
import java.time.Duration;
import java.time.Instant;
import org.apache.camel.Exchange;
import org.camelopencode.dispatch.DispatchRequest;
import org.camelopencode.dispatch.DispatchResult;
import org.camelopencode.failure.OpenCodeFailureException;
import org.camelopencode.observe.AttemptOutcome;
import org.camelopencode.observe.DispatchMetrics;
import org.camelopencode.observe.DispatchTracing;

/**
 * The metrics and span of one {@code opencode:dispatch} attempt: started before the attempt, ended exactly once with
 * its outcome. Either side may be absent (no meter registry, tracing off); then it does nothing for that side.
 */
final class AttemptObservation {

    private final DispatchMetrics metrics;
    private final DispatchTracing tracing;
    private final Span span;
    private final String askedModel;
    private final Instant startedAt = Instant.now();

    private AttemptObservation(DispatchMetrics metrics, DispatchTracing tracing, Span span, String askedModel) {
        this.metrics = metrics;
        this.tracing = tracing;
        this.span = span;
        this.askedModel = askedModel;
    }

    /**
     * @param component the component (its metrics and tracing)
     * @param exchange  the exchange being dispatched
     * @param request   the attempt
     * @param taskName  the task's name, or {@code null}
     * @return the started observation
     */
    static AttemptObservation start(OpenCodeComponent component, Exchange exchange, DispatchRequest request, String taskName) {
        DispatchMetrics metrics = component.dispatchMetrics();
        DispatchTracing tracing = component.getTracing();
        if (metrics != null) {
            metrics.attemptStarted();
        }
        Span span = tracing == null ? null : tracing.attemptStarted(exchange, request.attempt(), taskName);
        return new AttemptObservation(metrics, tracing, span, request.model());
    }

    /** @param result the gate's result */
    void completed(DispatchResult result) {
        end(AttemptOutcome.of(result));
    }

    /** @param failure the classified failure */
    void failed(OpenCodeFailureException failure) {
        end(AttemptOutcome.of(failure, askedModel, elapsed()));
    }

    /** @param failure an exception that is not classified (counted as {@code agent_error}) */
    void failedUnclassified(Throwable failure) {
        end(AttemptOutcome.unclassified(failure, askedModel, elapsed()));
    }

    private Duration elapsed() {
        return Duration.between(startedAt, Instant.now());
    }

    private void end(AttemptOutcome outcome) {
        if (metrics != null) {
            metrics.attemptEnded(outcome);
        }
        if (span != null) {
            tracing.attemptEnded(span, outcome);
        }
    }
}
