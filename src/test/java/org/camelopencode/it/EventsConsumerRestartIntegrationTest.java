package org.camelopencode.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.impl.DefaultCamelContext;
import org.camelopencode.client.SessionIdle;
import org.camelopencode.component.OpenCodeComponent;
import org.camelopencode.component.OpenCodeConstants;
import org.camelopencode.component.OpenCodeEventsConsumer;
import org.camelopencode.server.ManagedOpenCodeServer;
import org.camelopencode.server.ManagedServerOptions;
import org.camelopencode.server.OpenCodeBinary;
import org.camelopencode.server.OpenCodeConfig;
import org.camelopencode.testkit.Reply;
import org.camelopencode.testkit.RequestMatcher;
import org.camelopencode.testkit.ScriptedModelServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code opencode:events} against the real {@code opencode serve}: the server process is stopped and started again on
 * the same port, state folder and password, and the SAME consumer delivers the events of a dispatch made after the
 * restart. Its own server (not {@link SharedOpenCode}): this test kills it.
 */
class EventsConsumerRestartIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String MODEL = "scripted/echo";

    private ScriptedModelServer model;
    private ManagedServerOptions options;
    private ManagedOpenCodeServer server;
    private CamelContext context;

    @BeforeEach
    void startServer() throws Exception {
        model = ScriptedModelServer.start();
        model.when(RequestMatcher.promptContains("EV-BEFORE")).reply(Reply.text("before the restart"));
        model.when(RequestMatcher.promptContains("EV-AFTER")).reply(Reply.text("after the restart"));
        Path state = Files.createTempDirectory("opencode-events-it-");
        options = ManagedServerOptions.builder()
                .binary(OpenCodeBinary.locate(null))
                .stateDirectory(state)
                .port(freePort())
                .password("events-it-" + UUID.randomUUID())
                .startTimeout(Duration.ofSeconds(60))
                .config(new OpenCodeConfig().scriptedProvider("scripted", model.baseUri(), "echo").model(MODEL).smallModel(MODEL))
                .build();
        server = ManagedOpenCodeServer.start(options);
    }

    @AfterEach
    void stopAll() {
        if (context != null) {
            context.stop();
        }
        if (server != null) {
            server.close();
        }
        model.close();
    }

    @Test
    void theSameConsumerDeliversEventsOfADispatchAfterTheServerRestarted() throws Exception {
        context = new DefaultCamelContext();
        OpenCodeComponent component = context.getComponent("opencode", OpenCodeComponent.class);
        component.getConfiguration().setServerUrl(server.baseUri().toString());
        component.getConfiguration().setPassword(server.password());
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("opencode:events?eventTypes=session.idle,server.connected").routeId("events").to("mock:events");
            }
        });
        context.start();
        MockEndpoint events = context.getEndpoint("mock:events", MockEndpoint.class);
        OpenCodeEventsConsumer consumer = (OpenCodeEventsConsumer) context.getRoute("events").getConsumer();
        HealthCheck readiness = consumer.getHealthCheck();
        await().atMost(WAIT).until(() -> readiness.call().getState() == HealthCheck.State.UP);

        String before = dispatch("EV-BEFORE: say something");
        await().atMost(WAIT).until(() -> idleSeen(events, before));

        server.close();
        assertThat(server.isAlive()).isFalse();
        await().atMost(WAIT).until(() -> readiness.call().getState() == HealthCheck.State.DOWN);
        server = ManagedOpenCodeServer.start(options);
        assertThat(server.baseUri().getPort()).isEqualTo(options.port());
        await().atMost(WAIT).until(() -> readiness.call().getState() == HealthCheck.State.UP);
        assertThat(readiness.call().getDetails()).containsEntry("reconnects", 1L);

        String after = dispatch("EV-AFTER: say something else");
        await().atMost(WAIT).until(() -> idleSeen(events, after));
        assertThat(after).isNotEqualTo(before);
        // The server greets every new connection: the route's signal to re-sync after a reconnect.
        assertThat(events.getReceivedExchanges()).filteredOn(exchange -> "server.connected".equals(
                exchange.getMessage().getHeader(OpenCodeConstants.EVENT_TYPE))).hasSizeGreaterThanOrEqualTo(2);
        assertThat(consumer.getDroppedCount()).isZero();
    }

    /** Dispatches through the component (same shared connection) and returns the session it used. */
    private String dispatch(String prompt) {
        Exchange result = context.createProducerTemplate().request("opencode:dispatch?model=" + MODEL,
                exchange -> exchange.getMessage().setBody(prompt));
        assertThat(result.getException()).isNull();
        String sessionId = result.getMessage().getHeader(OpenCodeConstants.SESSION_ID, String.class);
        assertThat(sessionId).startsWith("ses_");
        return sessionId;
    }

    private static boolean idleSeen(MockEndpoint events, String sessionId) {
        return events.getReceivedExchanges().stream().anyMatch(exchange -> exchange.getMessage().getBody() instanceof SessionIdle
                && sessionId.equals(exchange.getMessage().getHeader(OpenCodeConstants.SESSION_ID)));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }
}
