package org.camelopencode.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.UnitOfWorkHelper;
import org.camelopencode.agent.TokenUsage;
import org.camelopencode.dispatch.DispatchResult;
import org.camelopencode.failure.FailureKind;
import org.camelopencode.failure.OpenCodeFailureException;
import org.junit.jupiter.api.Test;

/** {@link DispatchMetrics} on a simple meter registry and {@link DispatchTracing} on an in-memory span exporter. */
class DispatchObservabilityTest {

    private static final DispatchResult RESULT = new DispatchResult("ses_1", "msg_1", "prov/model-a", "build", "ok", null,
            new TokenUsage(100, 20, 5, 0, 0), 0.25, "stop", Duration.ofMillis(1500));

    @Test
    void metersCountOutcomesKindsTokensAndCostByModel() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        DispatchMetrics metrics = new DispatchMetrics(registry);
        metrics.attemptStarted();
        metrics.attemptStarted();
        metrics.attemptStarted();
        assertThat(registry.get("opencode.dispatches.inflight").gauge().value()).isEqualTo(3.0);

        metrics.attemptEnded(AttemptOutcome.of(RESULT));
        metrics.attemptEnded(AttemptOutcome.of(RESULT));
        OpenCodeFailureException rateLimited = new OpenCodeFailureException(FailureKind.RATE_LIMITED, "slow down");
        metrics.attemptEnded(AttemptOutcome.of(rateLimited, "prov/model-b", Duration.ofSeconds(2)));

        assertThat(registry.get("opencode.dispatches.inflight").gauge().value()).isZero();
        assertThat(registry.get("opencode.dispatches").tags("outcome", "completed", "kind", "none").counter().count()).isEqualTo(2.0);
        assertThat(registry.get("opencode.dispatches").tags("outcome", "failed", "kind", "rate_limited").counter().count())
                .isEqualTo(1.0);
        assertThat(registry.get("opencode.tokens").tags("model", "prov/model-a", "type", "input").counter().count()).isEqualTo(200.0);
        assertThat(registry.get("opencode.tokens").tags("model", "prov/model-a", "type", "output").counter().count()).isEqualTo(40.0);
        assertThat(registry.get("opencode.tokens").tags("model", "prov/model-a", "type", "reasoning").counter().count()).isEqualTo(10.0);
        assertThat(registry.get("opencode.cost").tags("model", "prov/model-a").counter().count()).isEqualTo(0.5);
        assertThat(registry.get("opencode.cost").tags("model", "prov/model-b").counter().count()).isZero();
        assertThat(registry.get("opencode.dispatch.duration").tags("outcome", "completed").timer().totalTime(
                java.util.concurrent.TimeUnit.MILLISECONDS)).isEqualTo(3000.0);
        assertThat(registry.get("opencode.dispatch.duration").tags("outcome", "failed").timer().count()).isEqualTo(1);
    }

    @Test
    void anUnclassifiedFailureCountsAsAgentErrorOfTheAskedModel() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        DispatchMetrics metrics = new DispatchMetrics(registry);
        // The producer hands an unclassified exception to the listeners as agent_error.
        metrics.startAttempt(null).failed(new OpenCodeFailureException(FailureKind.AGENT_ERROR, String.valueOf(new IllegalStateException("boom"))));
        assertThat(registry.get("opencode.dispatches").tags("outcome", "failed", "kind", "agent_error").counter().count())
                .isEqualTo(1.0);
        assertThat(registry.get("opencode.cost").tags("model", "unknown").counter().count()).isZero();
    }

    @Test
    void aHandBackIsCountedAsAHandBackNotAsAFailedDispatch() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        DispatchMetrics metrics = new DispatchMetrics(registry);
        org.camelopencode.dispatch.AttemptListener composed = org.camelopencode.dispatch.AttemptListener.all(
                java.util.List.of(metrics.startAttempt("prov/m"), metrics.startAttempt("prov/m")));
        assertThat(registry.get("opencode.dispatches.inflight").gauge().value()).isEqualTo(2.0);
        composed.handedBack("task k is running on node other");
        assertThat(registry.get("opencode.handbacks").counter().count()).as("told through the composed listener").isEqualTo(2.0);
        assertThat(registry.get("opencode.dispatches.inflight").gauge().value()).isZero();
        assertThat(registry.find("opencode.dispatches").counters()).isEmpty();
        assertThat(registry.find("opencode.dispatch.duration").timers()).isEmpty();
    }

    @Test
    void attemptsAreChildrenOfOneDispatchSpanInTheTraceOfTheTraceparentHeader() throws Exception {
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        try (OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance())).build();
                DefaultCamelContext context = new DefaultCamelContext()) {
            DispatchTracing tracing = new DispatchTracing(sdk);
            Exchange exchange = new DefaultExchange(context);
            exchange.getMessage().setHeader("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");

            var first = tracing.attemptStarted(exchange, 1, "task-a");
            tracing.attemptEnded(first, AttemptOutcome.of(new OpenCodeFailureException(FailureKind.TIMEOUT, "too slow"), "prov/m",
                    Duration.ofSeconds(3)));
            var second = tracing.attemptStarted(exchange, 2, "task-a");
            tracing.attemptEnded(second, AttemptOutcome.of(RESULT));
            assertThat(exporter.getFinishedSpanItems()).extracting(SpanData::getName).containsExactly("opencode.attempt", "opencode.attempt");

            exchange.setException(new OpenCodeFailureException(FailureKind.TIMEOUT, "secret-free reason"));
            exchange.getMessage().setHeader(DispatchTracing.FAILURE_KIND_HEADER, "timeout");
            UnitOfWorkHelper.doneSynchronizations(exchange, exchange.getExchangeExtension().handoverCompletions());

            SpanData dispatch = exporter.getFinishedSpanItems().stream().filter(span -> span.getName().equals("opencode.dispatch"))
                    .findFirst().orElseThrow();
            assertThat(dispatch.getTraceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
            assertThat(dispatch.getParentSpanId()).isEqualTo("b7ad6b7169203331");
            assertThat(dispatch.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
            assertThat(dispatch.getStatus().getDescription()).isEqualTo("timeout");
            var attempts = exporter.getFinishedSpanItems().stream().filter(span -> span.getName().equals("opencode.attempt")).toList();
            assertThat(attempts).allSatisfy(span -> assertThat(span.getParentSpanId()).isEqualTo(dispatch.getSpanId()));
            assertThat(attempts.get(0).getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
            assertThat(attempts.get(0).getAttributes().asMap().toString()).contains("opencode.failure.kind=timeout", "opencode.attempt=1");
            assertThat(attempts.get(1).getAttributes().asMap().toString()).contains("opencode.session.id=ses_1",
                    "opencode.model=prov/model-a", "opencode.tokens.input=100", "opencode.cost=0.25", "opencode.attempt=2");
        }
    }
}
