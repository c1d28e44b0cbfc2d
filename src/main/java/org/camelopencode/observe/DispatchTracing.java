package org.camelopencode.observe;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;
import org.camelopencode.dispatch.AttemptListener;

/**
 * OpenTelemetry spans of {@code opencode:dispatch}: one {@code opencode.dispatch} span per exchange (the task's whole
 * run, every attempt the playbook makes on the same exchange; ended when the exchange completes or fails) and one
 * {@code opencode.attempt} span per attempt, its child. The dispatch span's parent is the span current on the calling
 * thread (camel-opentelemetry2's, when it is enabled), else the trace context in the message headers
 * ({@code traceparent}/{@code tracestate}, read with the instance's propagators), else none (a new trace).
 *
 * <p>Attempt attributes: {@code opencode.attempt}, {@code opencode.model}, {@code opencode.session.id},
 * {@code opencode.outcome}, {@code opencode.failure.kind}, {@code opencode.tokens.input|output|reasoning},
 * {@code opencode.cost} (USD). A failed attempt has status ERROR with the failure kind as description. Thread-safe.
 */
public final class DispatchTracing {

    /** Exchange property holding the exchange's {@code opencode.dispatch} span. */
    public static final String DISPATCH_SPAN = "CamelOpenCodeDispatchSpan";
    /** The failure kind header ({@code OpenCodeConstants.FAILURE_KIND}), the dispatch span's error description. */
    static final String FAILURE_KIND_HEADER = "CamelOpenCodeFailureKind";
    /** Instrumentation scope name of the spans. */
    public static final String INSTRUMENTATION = "org.camelopencode";

    private static final TextMapGetter<Map<String, Object>> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, Object> headers) {
            return headers.keySet();
        }

        @Override
        public String get(Map<String, Object> headers, String key) {
            Object value = headers == null ? null : headers.get(key);
            return value == null ? null : value.toString();
        }
    };

    private final OpenTelemetry openTelemetry;
    private final Tracer tracer;

    /** @param openTelemetry the SDK (or any API implementation) the spans go to */
    public DispatchTracing(OpenTelemetry openTelemetry) {
        this.openTelemetry = openTelemetry;
        this.tracer = openTelemetry.getTracer(INSTRUMENTATION);
    }

    /**
     * Starts tracing one attempt: its span, and the exchange's dispatch span first when it has none yet.
     *
     * @param exchange the exchange being dispatched
     * @param attempt its attempt number (1 = first)
     * @param taskName the task's name, or {@code null}
     * @param askedModel the model the request named, or {@code null}: used when the failure names none
     * @return the attempt's listener: told {@code completed} or {@code failed} (once), it ends the span as
     *     {@link #attemptEnded(Span, AttemptOutcome)} does; told {@code handedBack}, it ends the span with
     *     {@code opencode.outcome=handed_back} and no error status
     */
    public AttemptListener startAttempt(Exchange exchange, int attempt, String taskName, String askedModel) {
        Span span = attemptStarted(exchange, attempt, taskName);
        return new OutcomeListener(askedModel) {
            @Override
            void ended(AttemptOutcome outcome) {
                attemptEnded(span, outcome);
            }

            @Override
            void handedBack(java.time.Duration waited) {
                span.setAttribute("opencode.outcome", "handed_back");
                span.end();
            }
        };
    }

    /**
     * Starts an attempt span, and the exchange's dispatch span first when it has none yet.
     *
     * @param exchange the exchange being dispatched
     * @param attempt  its attempt number (1 = first)
     * @param taskName the task's name, or {@code null}
     * @return the started attempt span; end it with {@link #attemptEnded(Span, AttemptOutcome)}
     */
    public Span attemptStarted(Exchange exchange, int attempt, String taskName) {
        Span dispatch = dispatchSpan(exchange, taskName);
        return tracer.spanBuilder("opencode.attempt").setParent(Context.current().with(dispatch)).setSpanKind(SpanKind.CLIENT)
                .setAttribute("opencode.attempt", (long) attempt).startSpan();
    }

    /**
     * Ends an attempt span with the outcome's attributes.
     *
     * @param span    from {@link #attemptStarted(Exchange, int, String)}
     * @param outcome how the attempt ended
     */
    public void attemptEnded(Span span, AttemptOutcome outcome) {
        span.setAttribute("opencode.model", outcome.model());
        if (outcome.sessionId() != null) {
            span.setAttribute("opencode.session.id", outcome.sessionId());
        }
        span.setAttribute("opencode.outcome", outcome.completed() ? "completed" : "failed");
        span.setAttribute("opencode.failure.kind", outcome.kind());
        span.setAttribute("opencode.tokens.input", outcome.tokens().input());
        span.setAttribute("opencode.tokens.output", outcome.tokens().output());
        span.setAttribute("opencode.tokens.reasoning", outcome.tokens().reasoning());
        span.setAttribute("opencode.cost", outcome.cost());
        if (!outcome.completed()) {
            span.setStatus(StatusCode.ERROR, outcome.kind());
        }
        span.end();
    }

    private Span dispatchSpan(Exchange exchange, String taskName) {
        synchronized (exchange) {
            Span existing = exchange.getProperty(DISPATCH_SPAN, Span.class);
            if (existing != null) {
                return existing;
            }
            var builder = tracer.spanBuilder("opencode.dispatch").setParent(parentOf(exchange)).setSpanKind(SpanKind.INTERNAL);
            if (taskName != null) {
                builder.setAttribute("opencode.task.name", taskName);
            }
            Span span = builder.startSpan();
            exchange.setProperty(DISPATCH_SPAN, span);
            exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
                @Override
                public void onDone(Exchange done) {
                    if (done.isFailed()) {
                        // The kind, not the exception's message: spans leave the process.
                        Object kind = done.getMessage().getHeader(FAILURE_KIND_HEADER);
                        span.setStatus(StatusCode.ERROR, kind != null ? kind.toString()
                                : done.getException() == null ? "failed" : done.getException().getClass().getSimpleName());
                    }
                    span.end();
                }
            });
            return span;
        }
    }

    private Context parentOf(Exchange exchange) {
        if (Span.current().getSpanContext().isValid()) {
            return Context.current();
        }
        return openTelemetry.getPropagators().getTextMapPropagator().extract(Context.root(), exchange.getMessage().getHeaders(),
                HEADERS);
    }
}
