package org.camelopencode.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.ExceptionHandler;
import org.camelopencode.client.SessionIdle;
import org.camelopencode.client.SessionStatusChanged;
import org.camelopencode.client.StubServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code opencode:events} against a stub SSE server: filters, headers, buffer policies, errors, readiness. */
class OpenCodeEventsConsumerTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private StubServer stub;
    private CamelContext context;

    @BeforeEach
    void start() throws Exception {
        stub = new StubServer().answerHealth("1.18.33");
        context = new DefaultCamelContext();
    }

    @AfterEach
    void stop() {
        context.stop();
        stub.close();
    }

    private String events(String options) {
        return "opencode:events?serverUrl=" + stub.url() + (options.isEmpty() ? "" : "&" + options);
    }

    /** Adds {@code from(uri).routeId(id).to("mock:" + id)} for each id/uri pair. */
    private void addMockRoutes(String... idsAndUris) throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                for (int index = 0; index < idsAndUris.length; index += 2) {
                    from(idsAndUris[index + 1]).routeId(idsAndUris[index]).to("mock:" + idsAndUris[index]);
                }
            }
        });
    }

    /** @return the event as a frame of {@code GET /global/event}, the stream of every tested OpenCode version */
    private static String global(String event) {
        return "{\"payload\":" + event + "}";
    }

    private static String idle(String eventId, String sessionId) {
        return "{\"id\":\"" + eventId + "\",\"type\":\"session.idle\",\"properties\":{\"sessionID\":\"" + sessionId + "\"}}";
    }

    @Test
    void deliversOnlyTheListedTypesWithTypedBodiesAndHeaders() throws Exception {
        addMockRoutes("typed", events("eventTypes=session.idle, session.status"));
        context.start();
        MockEndpoint mock = context.getEndpoint("mock:typed", MockEndpoint.class);
        StubServer.SseConnection connection = stub.nextSseConnection();
        connection.event(global("{\"id\":\"evt_0\",\"type\":\"server.connected\",\"properties\":{}}"));
        connection.event(global("{\"id\":\"evt_h\",\"type\":\"server.heartbeat\",\"properties\":{}}"));
        connection.event(global("{\"id\":\"evt_1\",\"type\":\"session.status\",\"properties\":{\"sessionID\":\"ses_A\",\"status\":{\"type\":\"busy\"}}}"));
        connection.event(global("{\"id\":\"evt_2\",\"type\":\"message.part.delta\",\"properties\":{\"sessionID\":\"ses_A\",\"field\":\"text\",\"delta\":\"hi\"}}"));
        connection.event(global(idle("evt_3", "ses_A")));

        await().atMost(WAIT).until(() -> mock.getReceivedCounter() >= 2);
        List<Exchange> received = mock.getReceivedExchanges();
        assertThat(received).hasSize(2);
        assertThat(received.get(0).getMessage().getBody()).isInstanceOfSatisfying(SessionStatusChanged.class,
                event -> assertThat(event.status().type()).isEqualTo("busy"));
        assertThat(received.get(0).getMessage().getHeaders())
                .containsEntry(OpenCodeConstants.EVENT_TYPE, "session.status")
                .containsEntry(OpenCodeConstants.EVENT_ID, "evt_1")
                .containsEntry(OpenCodeConstants.SESSION_ID, "ses_A")
                .doesNotContainKey(OpenCodeConstants.DIRECTORY);
        assertThat(received.get(1).getMessage().getBody()).isInstanceOf(SessionIdle.class);
        assertThat(received.get(1).getMessage().getHeader(OpenCodeConstants.EVENT_ID)).isEqualTo("evt_3");
    }

    @Test
    void replaysARecordedServerStreamInOrderWithDirectories() throws Exception {
        String recording;
        try (InputStream input = getClass().getResourceAsStream("/recordings/global-event-mixed-scenarios.sse")) {
            assertThat(input).as("recording on the test classpath").isNotNull();
            recording = new String(input.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<String> recordedIdleIds = Pattern.compile("\\{\"id\":\"(evt_[^\"]+)\",\"type\":\"session\\.idle\"")
                .matcher(recording).results().map(match -> match.group(1)).toList();
        assertThat(recordedIdleIds).hasSize(28);
        addMockRoutes("idle", events("eventTypes=session.idle"), "created", events("eventTypes=session.created"));
        context.start();
        MockEndpoint idle = context.getEndpoint("mock:idle", MockEndpoint.class);
        MockEndpoint created = context.getEndpoint("mock:created", MockEndpoint.class);
        stub.nextSseConnection().write(recording);

        await().atMost(WAIT).until(() -> idle.getReceivedCounter() == recordedIdleIds.size());
        assertThat(idle.getReceivedExchanges()).extracting(exchange -> exchange.getMessage().getHeader(OpenCodeConstants.EVENT_ID))
                .containsExactlyElementsOf(recordedIdleIds);
        await().atMost(WAIT).until(() -> created.getReceivedCounter() > 0);
        assertThat(created.getReceivedExchanges().get(0).getMessage().getHeader(OpenCodeConstants.DIRECTORY))
                .isEqualTo("/workspace/project");
    }

    @Test
    void filtersBySessionAndDropsHeartbeatsUnlessListed() throws Exception {
        addMockRoutes("session", events("sessionId=ses_B"), "heartbeats", events("eventTypes=server.heartbeat"));
        context.start();
        MockEndpoint session = context.getEndpoint("mock:session", MockEndpoint.class);
        MockEndpoint heartbeats = context.getEndpoint("mock:heartbeats", MockEndpoint.class);
        StubServer.SseConnection connection = stub.nextSseConnection();
        connection.event(global("{\"id\":\"evt_h\",\"type\":\"server.heartbeat\",\"properties\":{}}"));
        connection.event(global(idle("evt_1", "ses_A")));
        connection.event(global("{\"id\":\"evt_2\",\"type\":\"session.updated\",\"properties\":{\"sessionID\":\"ses_B\","
                + "\"info\":{\"id\":\"ses_B\",\"directory\":\"/workspace/project\"}}}"));
        connection.event(global(idle("evt_3", "ses_B")));

        await().atMost(WAIT).until(() -> session.getReceivedCounter() >= 2 && heartbeats.getReceivedCounter() >= 1);
        assertThat(session.getReceivedExchanges()).extracting(exchange -> exchange.getMessage().getHeader(OpenCodeConstants.EVENT_ID))
                .containsExactly("evt_2", "evt_3");
        assertThat(session.getReceivedExchanges().get(0).getMessage().getHeader(OpenCodeConstants.DIRECTORY))
                .isEqualTo("/workspace/project");
        assertThat(heartbeats.getReceivedExchanges()).extracting(exchange -> exchange.getMessage().getHeader(OpenCodeConstants.EVENT_TYPE))
                .containsExactly("server.heartbeat");
        // Two consumers of one server share the one GET /global/event connection.
        assertThat(stub.requests()).filteredOn(request -> request.path().equals("/global/event")).hasSize(1);
    }

    @Test
    void slowRouteWithDropNewestKeepsTheFirstEventsAndCountsTheRest() throws Exception {
        assertThat(deliveredWhileBlocked("dropNewest", 2)).containsExactly("evt_1", "evt_2", "evt_3");
    }

    @Test
    void slowRouteWithDropOldestKeepsTheNewestEventsAndCountsTheRest() throws Exception {
        assertThat(deliveredWhileBlocked("dropOldest", 2)).containsExactly("evt_1", "evt_9", "evt_10");
    }

    /**
     * Blocks the slow route on evt_1, sends evt_2..evt_10 while it waits, checks a fast route on the same stream got
     * all ten (the shared reader was never blocked) and 7 drops were counted, then releases the slow route.
     *
     * @return the event ids the slow route finally received
     */
    private List<Object> deliveredWhileBlocked(String policy, int bufferSize) throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(events("eventTypes=session.idle&bufferSize=" + bufferSize + "&bufferFullPolicy=" + policy)).routeId("slow")
                        .process(exchange -> {
                            entered.countDown();
                            assertThat(release.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("released").isTrue();
                        })
                        .to("mock:slow");
                from(events("eventTypes=session.idle")).routeId("fast").to("mock:fast");
            }
        });
        context.start();
        MockEndpoint slow = context.getEndpoint("mock:slow", MockEndpoint.class);
        MockEndpoint fast = context.getEndpoint("mock:fast", MockEndpoint.class);
        OpenCodeEventsConsumer consumer = (OpenCodeEventsConsumer) context.getRoute("slow").getConsumer();
        StubServer.SseConnection connection = stub.nextSseConnection();
        connection.event(global(idle("evt_1", "ses_A")));
        assertThat(entered.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("slow route entered").isTrue();
        for (int index = 2; index <= 10; index++) {
            connection.event(global(idle("evt_" + index, "ses_A")));
        }

        await().atMost(WAIT).until(() -> fast.getReceivedCounter() == 10);
        await().atMost(WAIT).until(() -> consumer.getDroppedCount() == 7);
        assertThat(consumer.getBufferedCount()).isEqualTo(bufferSize);
        assertThat(slow.getReceivedCounter()).isZero();

        release.countDown();
        await().atMost(WAIT).until(() -> slow.getReceivedCounter() == 3);
        return slow.getReceivedExchanges().stream().map(exchange -> exchange.getMessage().getHeader(OpenCodeConstants.EVENT_ID)).toList();
    }

    @Test
    void routeFailuresAndMalformedFramesGoToTheExceptionHandlerAndTheStreamGoesOn() throws Exception {
        List<Throwable> handled = new CopyOnWriteArrayList<>();
        context.getRegistry().bind("recordingHandler", (ExceptionHandler) new RecordingExceptionHandler(handled));
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(events("eventTypes=session.idle&exceptionHandler=#recordingHandler")).routeId("failing")
                        .process(exchange -> {
                            if ("ses_bad".equals(exchange.getMessage().getHeader(OpenCodeConstants.SESSION_ID))) {
                                throw new IllegalStateException("route failed on purpose");
                            }
                        })
                        .to("mock:after");
            }
        });
        context.start();
        MockEndpoint after = context.getEndpoint("mock:after", MockEndpoint.class);
        StubServer.SseConnection connection = stub.nextSseConnection();
        connection.event(global(idle("evt_1", "ses_bad")));
        connection.write("data: {not json\n\n");
        connection.event(global(idle("evt_2", "ses_good")));

        await().atMost(WAIT).until(() -> after.getReceivedCounter() == 1 && handled.size() == 2);
        assertThat(after.getReceivedExchanges().get(0).getMessage().getHeader(OpenCodeConstants.EVENT_ID)).isEqualTo("evt_2");
        assertThat(handled).extracting(Throwable::getMessage)
                .anySatisfy(message -> assertThat(message).contains("route failed on purpose"))
                .anySatisfy(message -> assertThat(message).contains("not valid JSON"));
    }

    @Test
    void readinessIsDownWhileDisconnectedAndUpAgainAfterTheReconnect() throws Exception {
        addMockRoutes("watched", events(""));
        context.start();
        OpenCodeEventsConsumer consumer = (OpenCodeEventsConsumer) context.getRoute("watched").getConsumer();
        HealthCheck check = consumer.getHealthCheck();
        assertThat(check).as("registered health check").isNotNull();
        assertThat(check.isReadiness()).isTrue();
        assertThat(check.isLiveness()).isFalse();
        StubServer.SseConnection first = stub.nextSseConnection();
        await().atMost(WAIT).until(() -> check.call().getState() == HealthCheck.State.UP);
        assertThat(HealthCheckHelper.invokeReadiness(context))
                .anySatisfy(result -> {
                    assertThat(result.getCheck().getId()).isEqualTo("consumer:watched");
                    assertThat(result.getState()).isEqualTo(HealthCheck.State.UP);
                });

        stub.rejectNextEventRequests(503, 503);
        first.close();
        await().atMost(WAIT).until(() -> check.call().getState() == HealthCheck.State.DOWN);
        assertThat(check.call().getMessage()).hasValueSatisfying(message -> assertThat(message).contains("disconnected"));
        assertThat(HealthCheckHelper.invokeReadiness(context))
                .anySatisfy(result -> {
                    assertThat(result.getCheck().getId()).isEqualTo("consumer:watched");
                    assertThat(result.getState()).isEqualTo(HealthCheck.State.DOWN);
                });

        StubServer.SseConnection second = stub.nextSseConnection();
        await().atMost(WAIT).until(() -> check.call().getState() == HealthCheck.State.UP);
        assertThat(check.call().getDetails()).containsEntry("reconnects", 1L);
        second.event(global(idle("evt_after", "ses_A")));
        MockEndpoint watched = context.getEndpoint("mock:watched", MockEndpoint.class);
        await().atMost(WAIT).until(() -> watched.getReceivedCounter() >= 1);
        assertThat(watched.getReceivedExchanges()).extracting(exchange -> exchange.getMessage().getHeader(OpenCodeConstants.EVENT_ID))
                .contains("evt_after");
    }

    @Test
    void theDirectoryOptionKeepsOneDirectorysEventsAndServerWideOnes() throws Exception {
        addMockRoutes("one", events("directory=/repos/a"), "all", events(""));
        context.start();
        MockEndpoint one = context.getEndpoint("mock:one", MockEndpoint.class);
        MockEndpoint all = context.getEndpoint("mock:all", MockEndpoint.class);
        StubServer.SseConnection connection = stub.nextSseConnection();
        connection.event(global("{\"id\":\"evt_0\",\"type\":\"server.connected\",\"properties\":{}}"));
        connection.event("{\"directory\":\"/repos/b\",\"payload\":" + idle("evt_b", "ses_B") + "}");
        connection.event("{\"directory\":\"/repos/a\",\"payload\":" + idle("evt_a", "ses_A") + "}");
        connection.event(global("{\"id\":\"evt_c\",\"type\":\"session.updated\",\"properties\":{\"sessionID\":\"ses_C\","
                + "\"info\":{\"id\":\"ses_C\",\"directory\":\"/repos/a/\"}}}"));

        await().atMost(WAIT).until(() -> all.getReceivedCounter() >= 4 && one.getReceivedCounter() >= 3);
        assertThat(one.getReceivedExchanges()).extracting(exchange -> exchange.getMessage().getHeader(OpenCodeConstants.EVENT_ID))
                .containsExactly("evt_0", "evt_a", "evt_c");
        assertThat(all.getReceivedExchanges()).extracting(exchange -> exchange.getMessage().getHeader(OpenCodeConstants.EVENT_ID))
                .containsExactly("evt_0", "evt_b", "evt_a", "evt_c");
    }

    @Test
    void eventsCannotSendAndOtherOperationsCannotConsume() throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:in").routeId("sending").to(events(""));
            }
        });
        assertThatThrownBy(context::start).hasStackTraceContaining("opencode:events is a consumer endpoint");

        CamelContext other = new DefaultCamelContext();
        try {
            other.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("opencode:dispatch?serverUrl=" + stub.url()).to("mock:never");
                }
            });
            assertThatThrownBy(other::start).hasStackTraceContaining("only opencode:events can be used in from()");
        } finally {
            other.stop();
        }
    }

    /** Records what the consumer hands to its exception handler. */
    private record RecordingExceptionHandler(List<Throwable> handled) implements ExceptionHandler {
        @Override
        public void handleException(Throwable exception) {
            handled.add(exception);
        }

        @Override
        public void handleException(String message, Throwable exception) {
            handled.add(exception);
        }

        @Override
        public void handleException(String message, Exchange exchange, Throwable exception) {
            handled.add(exception);
        }
    }
}
