package org.camelopencode.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.camelopencode.component.OpenCodeConstants;
import org.camelopencode.runner.StatusSnapshot.Bucket;
import org.camelopencode.runner.StatusSnapshot.Finished;
import org.junit.jupiter.api.Test;

/**
 * {@link StatusRecorder} as Camel drives it: it sees the exchanges a route sends to {@code opencode:dispatch} (and only
 * those), classifies each as completed or by failure kind, and buckets completions, failures and spend for the chart.
 */
class StatusRecorderTest {

    private static final Instant NOW = Instant.parse("2026-01-01T10:00:05Z");

    @Test
    void recordsTheDispatchAttemptsARouteSendsWithTheirFailureKind() throws Exception {
        StatusRecorder recorder = new StatusRecorder(Clock.fixed(NOW, ZoneOffset.UTC));
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            context.getManagementStrategy().addEventNotifier(recorder);
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    // Nothing listens on port 9: the attempt fails at once and is classified.
                    from("direct:task").to("opencode:dispatch?serverUrl=http://127.0.0.1:9&timeout=PT5S");
                    from("direct:other").to("log:other");
                }
            });
            context.start();
            var template = context.createProducerTemplate();
            template.send("direct:task", exchange -> {
                exchange.getMessage().setBody("hello");
                exchange.getMessage().setHeader(OpenCodeConstants.TASK_NAME, "unreachable-task");
            });
            template.sendBody("direct:other", "not a dispatch");
        }
        List<Finished> recent = recorder.recent();
        assertThat(recent).hasSize(1);
        assertThat(recent.get(0).task()).isEqualTo("unreachable-task");
        assertThat(recent.get(0).outcome()).isEqualTo("provider_unavailable");
        assertThat(recent.get(0).completed()).isFalse();
        assertThat(recorder.totals().failed()).isEqualTo(1);
        assertThat(recorder.totals().failuresByKind()).containsEntry("provider_unavailable", 1L);
    }

    @Test
    void bucketsCompletionsFailuresAndSpendAndKeepsTheNewestFirst() throws Exception {
        MutableClock clock = new MutableClock(NOW);
        StatusRecorder recorder = new StatusRecorder(clock);
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            recorder.record(completed(context, "first", 0.25), 100);
            clock.now = NOW.plusSeconds(StatusRecorder.BUCKET_SECONDS);
            recorder.record(completed(context, "second", 0.5), 200);
        }
        assertThat(recorder.recent()).extracting(Finished::task).containsExactly("second", "first");
        assertThat(recorder.totals().completed()).isEqualTo(2);
        assertThat(recorder.totals().cost()).isEqualTo(0.75);
        List<Bucket> timeline = recorder.timeline();
        assertThat(timeline).hasSize(StatusRecorder.BUCKETS);
        assertThat(timeline.get(timeline.size() - 1)).isEqualTo(new Bucket("2026-01-01T10:00:10Z", 1, 0, 0.5));
        assertThat(timeline.get(timeline.size() - 2)).isEqualTo(new Bucket("2026-01-01T10:00:00Z", 1, 0, 0.25));
        // Far later: the old buckets leave the window, the totals stay.
        clock.now = NOW.plusSeconds((long) StatusRecorder.BUCKET_SECONDS * StatusRecorder.BUCKETS * 2);
        assertThat(recorder.timeline()).allMatch(bucket -> bucket.completed() == 0 && bucket.cost() == 0);
        assertThat(recorder.totals().completed()).isEqualTo(2);
    }

    @Test
    void keepsAtMostTheRecentLimit() throws Exception {
        StatusRecorder recorder = new StatusRecorder(Clock.fixed(NOW, ZoneOffset.UTC));
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            for (int i = 0; i < StatusRecorder.RECENT_LIMIT + 5; i++) {
                recorder.record(completed(context, "task-" + i, 0), 1);
            }
        }
        assertThat(recorder.recent()).hasSize(StatusRecorder.RECENT_LIMIT);
        assertThat(recorder.recent().get(0).task()).isEqualTo("task-" + (StatusRecorder.RECENT_LIMIT + 4));
        assertThat(recorder.totals().completed()).isEqualTo(StatusRecorder.RECENT_LIMIT + 5);
    }

    private static org.apache.camel.Exchange completed(DefaultCamelContext context, String task, double cost) {
        var exchange = new org.apache.camel.support.DefaultExchange(context);
        exchange.getMessage().setHeader(OpenCodeConstants.TASK_NAME, task);
        exchange.getMessage().setHeader(OpenCodeConstants.COST, cost);
        exchange.getMessage().setHeader(OpenCodeConstants.TOKENS_INPUT, 10L);
        exchange.getMessage().setHeader(OpenCodeConstants.MODEL, "scripted/echo");
        return exchange;
    }

    /** A clock the test moves. */
    private static final class MutableClock extends Clock {
        volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
