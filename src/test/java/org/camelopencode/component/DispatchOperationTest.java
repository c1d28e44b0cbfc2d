package org.camelopencode.component;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.camelopencode.agent.TokenUsage;
import org.camelopencode.client.OpenCodeClient;
import org.camelopencode.client.Session;
import org.camelopencode.dispatch.AttemptListener;
import org.camelopencode.dispatch.DispatchProgress;
import org.camelopencode.dispatch.DispatchRequest;
import org.camelopencode.dispatch.DispatchResult;
import org.camelopencode.failure.FailureKind;
import org.camelopencode.failure.OpenCodeFailureException;
import org.camelopencode.interaction.Approval;
import io.opentelemetry.api.trace.StatusCode;
import org.camelopencode.ledger.ClaimState;
import org.camelopencode.ledger.ClusterNode;
import org.camelopencode.ledger.DispatchLedger;
import org.camelopencode.ledger.DispatchStatus;
import org.camelopencode.ledger.LedgerEntry;
import org.camelopencode.ledger.LedgerSettings;
import org.camelopencode.ledger.TaskClaimedException;
import org.camelopencode.observe.DispatchMetrics;
import org.camelopencode.observe.DispatchTracing;
import org.camelopencode.server.InstanceReport;
import org.camelopencode.task.AttemptRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code opencode:dispatch}'s one attempt listener, composed where the producer starts the attempt: the exchange's
 * attempt history, the metrics, the trace and the ledger (a real H2 ledger, a real meter registry, a real OpenTelemetry
 * SDK) each see the new session and exactly one end, whatever way the attempt ends; an unclassified exception reaches
 * them as {@code agent_error} while the exchange keeps the original; a listener that throws stops none of the others.
 * The servers are a scripted {@link OpenCodeServers} (the component's seam), so no OpenCode server is needed.
 */
class DispatchOperationTest {

    private static final DispatchResult RESULT = new DispatchResult("ses_1", "msg_1", "prov/model", "build", "done", null,
            new TokenUsage(10, 2, 0, 0, 0), 0.5, "stop", Duration.ofMillis(20));

    /** How the scripted attempt ends. */
    enum Ending {
        COMPLETED("completed", null),
        CLASSIFIED("timeout", OpenCodeFailureException.class),
        UNCLASSIFIED("agent_error", IllegalStateException.class),
        NOT_STARTED("agent_error", IllegalStateException.class);

        final String outcome;
        final Class<? extends Exception> exchangeException;

        Ending(String outcome, Class<? extends Exception> exchangeException) {
            this.outcome = outcome;
            this.exchangeException = exchangeException;
        }
    }

    @TempDir
    Path temporary;

    @ParameterizedTest(name = "{0}")
    @EnumSource(Ending.class)
    void everyObserverSeesTheSessionAndExactlyOneEnd(Ending ending) throws Exception {
        InMemorySpanExporter spans = InMemorySpanExporter.create();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build()).build();
                DefaultCamelContext context = new DefaultCamelContext()) {
            ScriptedServers servers = new ScriptedServers(ending);
            DispatchLedger ledger = DispatchLedger.open(new LedgerSettings("jdbc:h2:file:" + temporary.resolve("ledger"), null, null));
            context.addComponent("opencode", component(servers, ledger, new DispatchMetrics(registry), new DispatchTracing(sdk)));
            context.start();

            Exchange exchange = context.createProducerTemplate().request("opencode:dispatch?serverUrl=http://127.0.0.1:1", sent -> {
                sent.getMessage().setBody("Fix the bug.");
                sent.getMessage().setHeader(OpenCodeConstants.TASK_KEY, "task-" + ending);
                sent.getMessage().setHeader(OpenCodeConstants.TASK_NAME, "fix");
            });

            List<AttemptRecord> history = AttemptHistory.of(exchange);
            assertThat(history).extracting(AttemptRecord::outcome).containsExactly(ending.outcome);
            assertThat(registry.get("opencode.dispatches").counters()).singleElement()
                    .satisfies(counter -> assertThat(counter.count()).isEqualTo(1.0))
                    .satisfies(counter -> assertThat(counter.getId().getTag("kind"))
                            .isEqualTo(ending == Ending.COMPLETED ? "none" : ending.outcome));
            assertThat(registry.get("opencode.dispatches.inflight").gauge().value()).isZero();
            assertThat(spans.getFinishedSpanItems()).filteredOn(span -> span.getName().equals("opencode.attempt"))
                    .singleElement().extracting(SpanData::getAttributes).asString()
                    .contains("opencode.outcome=" + (ending == Ending.COMPLETED ? "completed" : "failed"));
            LedgerEntry entry = ledger.recent(10).stream().filter(each -> each.taskKey().equals("task-" + ending)).findFirst()
                    .orElseThrow();
            assertThat(entry.status()).isEqualTo(ending == Ending.COMPLETED ? DispatchStatus.COMPLETED : DispatchStatus.FAILED);
            if (ending != Ending.NOT_STARTED) {
                assertThat(entry.sessionId()).as("recorded when the dispatcher created it").isEqualTo("ses_1");
                assertThat(entry.server()).isEqualTo("scripted");
            }
            if (ending.exchangeException == null) {
                assertThat(exchange.getException()).isNull();
                assertThat(exchange.getMessage().getBody()).isEqualTo(RESULT);
            } else {
                assertThat(exchange.getException()).isExactlyInstanceOf(ending.exchangeException);
                assertThat(entry.failureKind()).isEqualTo(ending.outcome);
            }
            assertThat(servers.dispatches).hasValue(1);
        }
    }

    @Test
    void aListenerThatThrowsStopsNoneOfTheOthers() throws Exception {
        SimpleMeterRegistry failing = new SimpleMeterRegistry() {
            @Override
            protected Counter newCounter(Meter.Id id) {
                throw new IllegalStateException("the registry is broken");
            }
        };
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            DispatchLedger ledger = DispatchLedger.open(new LedgerSettings("jdbc:h2:file:" + temporary.resolve("ledger"), null, null));
            context.addComponent("opencode", component(new ScriptedServers(Ending.COMPLETED), ledger, new DispatchMetrics(failing), null));
            context.start();

            Exchange exchange = context.createProducerTemplate().request("opencode:dispatch?serverUrl=http://127.0.0.1:1", sent -> {
                sent.getMessage().setBody("Fix the bug.");
                sent.getMessage().setHeader(OpenCodeConstants.TASK_KEY, "task-1");
            });

            assertThat(exchange.getException()).isNull();
            assertThat(exchange.getMessage().getBody()).isEqualTo(RESULT);
            assertThat(AttemptHistory.of(exchange)).extracting(AttemptRecord::outcome).containsExactly("completed");
            assertThat(ledger.recent(1)).singleElement().extracting(LedgerEntry::status).isEqualTo(DispatchStatus.COMPLETED);
        }
    }

    @Test
    void aRecordedResultAnswersWithoutAnAttempt() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            ScriptedServers servers = new ScriptedServers(Ending.COMPLETED);
            DispatchLedger ledger = DispatchLedger.open(new LedgerSettings("jdbc:h2:file:" + temporary.resolve("ledger"), null, null));
            context.addComponent("opencode", component(servers, ledger, new DispatchMetrics(registry), null));
            context.start();
            for (int delivery = 0; delivery < 2; delivery++) {
                Exchange exchange = context.createProducerTemplate().request("opencode:dispatch?serverUrl=http://127.0.0.1:1",
                        sent -> {
                            sent.getMessage().setBody("Fix the bug.");
                            sent.getMessage().setHeader(OpenCodeConstants.TASK_KEY, "task-1");
                        });
                assertThat(exchange.getMessage().getBody()).isEqualTo(RESULT);
                assertThat(AttemptHistory.of(exchange)).hasSize(1);
            }
            assertThat(servers.dispatches).as("the redelivery is answered from the ledger").hasValue(1);
            assertThat(registry.get("opencode.dispatches").counter().count()).isEqualTo(1.0);
        }
    }

    @Test
    void aTaskAnotherRunnerHoldsIsHandedBackNotCountedAsAFailedAttempt() throws Exception {
        InMemorySpanExporter spans = InMemorySpanExporter.create();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build()).build();
                DefaultCamelContext context = new DefaultCamelContext()) {
            ScriptedServers servers = new ScriptedServers(Ending.COMPLETED);
            DispatchLedger ledger = DispatchLedger.open(new LedgerSettings("jdbc:h2:file:" + temporary.resolve("ledger"), null, null));
            OpenCodeComponent component = component(servers, ledger, new DispatchMetrics(registry), new DispatchTracing(sdk));
            component.setClusterNode(new ClusterNode("here", Duration.ofSeconds(30), Duration.ZERO, true));
            context.addComponent("opencode", component);
            context.start();
            assertThat(ledger.claims().claim("task-held", new ClusterNode("elsewhere", Duration.ofSeconds(30), null, true), null, null, null)
                    .state()).isEqualTo(ClaimState.CLAIMED);

            Exchange exchange = context.createProducerTemplate().request("opencode:dispatch?serverUrl=http://127.0.0.1:1", sent -> {
                sent.getMessage().setBody("Fix the bug.");
                sent.getMessage().setHeader(OpenCodeConstants.TASK_KEY, "task-held");
            });

            assertThat(exchange.getException()).isInstanceOf(TaskClaimedException.class).hasMessageContaining("elsewhere");
            assertThat(servers.dispatches).as("nothing dispatched").hasValue(0);
            assertThat(registry.find("opencode.dispatches").counters()).as("no dispatch outcome, no agent_error").isEmpty();
            assertThat(registry.find("opencode.dispatch.duration").timers()).isEmpty();
            assertThat(registry.get("opencode.handbacks").counter().count()).isEqualTo(1.0);
            assertThat(registry.get("opencode.dispatches.inflight").gauge().value()).isZero();
            assertThat(AttemptHistory.of(exchange)).as("no attempt entry: nothing ran").isEmpty();
            assertThat(spans.getFinishedSpanItems()).filteredOn(span -> span.getName().equals("opencode.attempt")).singleElement()
                    .satisfies(span -> assertThat(span.getStatus().getStatusCode()).isNotEqualTo(StatusCode.ERROR))
                    .extracting(SpanData::getAttributes).asString().contains("opencode.outcome=handed_back");
            assertThat(ledger.recent(10)).as("no ledger entry").isEmpty();
        }
    }

    private static OpenCodeComponent component(OpenCodeServers servers, DispatchLedger ledger, DispatchMetrics metrics,
            DispatchTracing tracing) {
        OpenCodeComponent component = new ScriptedComponent(servers);
        component.setLedger(ledger);
        component.setMetrics(metrics);
        component.setTracing(tracing);
        return component;
    }

    /** Servers whose every dispatch creates session {@code ses_1} on {@code scripted} and ends as scripted. */
    private static final class ScriptedServers extends DispatchOnlyServers {
        private final Ending ending;
        private final AtomicInteger dispatches = new AtomicInteger();

        private ScriptedServers(Ending ending) {
            this.ending = ending;
        }

        @Override
        public CompletableFuture<DispatchResult> dispatch(DispatchRequest request, AttemptListener listener) {
            dispatches.incrementAndGet();
            if (ending == Ending.NOT_STARTED) {
                throw new IllegalStateException("no server could start");
            }
            listener.sessionCreated("scripted", "ses_1");
            return switch (ending) {
                case COMPLETED -> CompletableFuture.supplyAsync(() -> RESULT);
                case CLASSIFIED -> CompletableFuture.failedFuture(new OpenCodeFailureException(FailureKind.TIMEOUT, "too slow", "ses_1",
                        null, null));
                default -> CompletableFuture.failedFuture(new IllegalStateException("a bug"));
            };
        }
    }
}
