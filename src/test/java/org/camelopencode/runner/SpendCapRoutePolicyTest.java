package org.camelopencode.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.Route;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.seda.SedaEndpoint;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.service.ServiceHelper;
import org.camelopencode.component.AttemptHistory;
import org.camelopencode.task.AttemptRecord;
import org.camelopencode.task.TokenCounts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The rolling spend cap on a real Camel route (seda consumer): costs from the attempt history of finished exchanges,
 * suspension when the window's spend reaches the cap (WARN, readiness DOWN, queued tasks wait), resumption when the
 * spend leaves the window (INFO, UP), and no effect without a cap.
 */
class SpendCapRoutePolicyTest {

    private CamelContext context;
    private ProducerTemplate template;
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeEach
    void attachLogs() {
        logs.start();
        ((Logger) LoggerFactory.getLogger(SpendCapRoutePolicy.class)).addAppender(logs);
    }

    @AfterEach
    void stop() {
        if (context != null) {
            context.stop();
        }
        ((Logger) LoggerFactory.getLogger(SpendCapRoutePolicy.class)).detachAppender(logs);
    }

    /** A route whose exchanges cost the USD in their body, as one completed attempt. */
    private SpendCapRoutePolicy start(double cap, Duration window) throws Exception {
        SpendCapRoutePolicy policy = new SpendCapRoutePolicy(cap, window, Clock.systemUTC());
        context = new DefaultCamelContext();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("seda:tasks").routeId("tasks").routePolicy(policy).process(exchange -> exchange.setProperty(AttemptHistory.PROPERTY,
                        List.of(new AttemptRecord(1, "ses_1", "a/b", AttemptRecord.COMPLETED, null, TokenCounts.NONE,
                                exchange.getMessage().getBody(Double.class), 10, "2025-01-31T10:15:30Z"))));
            }
        });
        context.start();
        template = context.createProducerTemplate();
        return policy;
    }

    private HealthCheck.Result health() {
        return HealthCheckRegistry.get(context).getCheck("route-spend-cap:tasks").map(HealthCheck.class::cast).orElseThrow().call();
    }

    private Route route() {
        return context.getRoute("tasks");
    }

    @Test
    void reachingTheCapSuspendsTheConsumerUntilTheWindowHasRoomAgain() throws Exception {
        SpendCapRoutePolicy policy = start(0.05, Duration.ofMillis(1500));

        template.sendBody("seda:tasks", 0.03);
        await().atMost(Duration.ofSeconds(5)).until(() -> policy.spentInWindow() > 0);
        assertThat(policy.isSuspended()).isFalse();
        assertThat(health().getState()).isEqualTo(HealthCheck.State.UP);

        template.sendBody("seda:tasks", 0.03);
        await().atMost(Duration.ofSeconds(5)).until(policy::isSuspended);
        assertThat(ServiceHelper.isSuspended(route().getConsumer())).isTrue();
        HealthCheck.Result down = health();
        assertThat(down.getState()).isEqualTo(HealthCheck.State.DOWN);
        assertThat(down.getMessage()).hasValueSatisfying(message -> assertThat(message)
                .contains("route tasks is suspended").contains("0.0600 USD of its 0.05 USD cap").contains("PT1.5S"));
        assertThat(logs.list).anyMatch(event -> event.getLevel() == Level.WARN && event.getFormattedMessage().contains("suspended"));

        // A task queued while suspended waits for the window.
        template.sendBody("seda:tasks", 0.01);
        SedaEndpoint queue = context.getEndpoint("seda:tasks", SedaEndpoint.class);
        assertThat(queue.getCurrentQueueSize()).isEqualTo(1);

        await().atMost(Duration.ofSeconds(5)).until(() -> !policy.isSuspended());
        await().atMost(Duration.ofSeconds(5)).until(() -> queue.getCurrentQueueSize() == 0);
        assertThat(ServiceHelper.isSuspended(route().getConsumer())).isFalse();
        assertThat(health().getState()).isEqualTo(HealthCheck.State.UP);
        assertThat(logs.list).anyMatch(event -> event.getLevel() == Level.INFO && event.getFormattedMessage().contains("resumed"));
    }

    @Test
    void withoutACapNothingIsCountedOrSuspended() throws Exception {
        SpendCapRoutePolicy policy = start(0, Duration.ofHours(1));

        template.sendBody("seda:tasks", 5.0);
        template.sendBody("seda:tasks", 5.0);
        SedaEndpoint queue = context.getEndpoint("seda:tasks", SedaEndpoint.class);
        await().atMost(Duration.ofSeconds(5)).until(() -> queue.getCurrentQueueSize() == 0 && queue.getExchanges().isEmpty());

        assertThat(policy.isEnabled()).isFalse();
        assertThat(policy.isSuspended()).isFalse();
        assertThat(policy.spentInWindow()).isZero();
        HealthCheck.Result result = health();
        assertThat(result.getState()).isEqualTo(HealthCheck.State.UP);
        assertThat(result.getMessage()).hasValueSatisfying(message -> assertThat(message).contains("no spend cap"));
    }
}
