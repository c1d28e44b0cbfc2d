package org.camelopencode.bench;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.camelopencode.client.ClientOptions;
import org.camelopencode.client.EventListener;
import org.camelopencode.client.EventStream;
import org.camelopencode.client.EventStreamOptions;
import org.camelopencode.client.OpenCodeEvent;
import org.camelopencode.client.ServerEndpoint;
import org.camelopencode.client.Subscription;
import org.camelopencode.component.OpenCodeConstants;
import org.camelopencode.component.OpenCodeEventsConsumer;

/**
 * Row 3: events per second from {@link SseReplayServer}, three ways interleaved in every round: the
 * {@code opencode:events} Camel consumer (what the issue asks for: parsed by the shared {@link EventStream}, handed
 * over to the consumer's thread, one exchange per event through a counting route), {@link EventStream} alone (one
 * subscription per recorded session plus an all-events listener), and a baseline that only reads the same bytes as
 * lines and counts {@code data:} lines.
 */
final class EventThroughputBench {

    private static final int WARM_UP_ROUNDS = 2;
    private static final int MEASURED_ROUNDS = 5;

    private static final long ROUND_LIMIT_SECONDS = 120;

    /**
     * Measured figures: events per second of each measured round.
     *
     * @param eventsPerRound    frames the replay server sends per connection
     * @param bytesPerRound     bytes of one connection's body
     * @param consumerExchanges exchanges the consumer routes per round (every frame but the {@code server.heartbeat}
     *                          ones, which the consumer filters by default)
     * @param consumer          the {@code opencode:events} route, events (exchanges) per second
     * @param eventStream       {@link EventStream} with its listeners, events per second
     * @param lineBaseline      the line-counting baseline, events per second
     * @param routedToSessions  events the last EventStream round delivered to session listeners
     */
    record Result(int eventsPerRound, int bytesPerRound, int consumerExchanges, Stats consumer, Stats eventStream,
            Stats lineBaseline, long routedToSessions) {
    }

    /**
     * Runs 2 warm-up and 5 measured rounds of the three measurements against one replay server.
     *
     * @param minimumEvents the replay body repeats the recordings until it holds at least this many frames
     * @return the measured rounds
     * @throws Exception when a round cannot measure: a count that does not match what the server sent, a dropped
     *                   event, a route failure or a round that does not end within 120 s
     */
    static Result run(int minimumEvents) throws Exception {
        try (SseReplayServer server = new SseReplayServer(minimumEvents)) {
            List<Double> consumerRates = new ArrayList<>();
            List<Double> streamRates = new ArrayList<>();
            List<Double> baselineRates = new ArrayList<>();
            long routed = 0;
            for (int round = 0; round < WARM_UP_ROUNDS + MEASURED_ROUNDS; round++) {
                // Interleaved so that all three see the same background load.
                double consumer = consumerRound(server);
                StreamRound streamRound = eventStreamRound(server);
                double baseline = lineBaselineRound(server);
                if (round >= WARM_UP_ROUNDS) {
                    consumerRates.add(consumer);
                    streamRates.add(streamRound.eventsPerSecond());
                    baselineRates.add(baseline);
                    routed = streamRound.routedToSessions();
                }
                System.out.printf("  row3 round %d%s: opencode:events consumer %.0f events/s, EventStream %.0f events/s,"
                        + " lines %.0f events/s%n", round + 1, round < WARM_UP_ROUNDS ? " (warm-up)" : "", consumer,
                        streamRound.eventsPerSecond(), baseline);
            }
            return new Result(server.eventsPerConnection(), server.bodyBytes(), expectedExchanges(server),
                    new Stats(consumerRates), new Stats(streamRates), new Stats(baselineRates), routed);
        }
    }

    private static int expectedExchanges(SseReplayServer server) {
        return server.eventsPerConnection() - server.heartbeatsPerConnection();
    }

    /**
     * One round of the consumer: a fresh {@link DefaultCamelContext} with
     * {@code from("opencode:events?serverUrl=...&bufferSize=<events per connection>")} into a processor that counts
     * exchanges and checks that each has a typed body whose type is the {@code CamelOpenCodeEventType} header. The
     * replay connection is held until the route is started; timed from its release to the last expected exchange.
     * The buffer holds a whole connection, so no event may be dropped: a drop, a failed check or a missing exchange
     * fails the round. Events of the stream's reconnect after the body ended (if any arrive before the context stops)
     * are not counted.
     *
     * @return exchanges per second
     */
    private static double consumerRound(SseReplayServer server) throws Exception {
        int expected = expectedExchanges(server);
        CountDownLatch allRouted = new CountDownLatch(1);
        AtomicLong exchanges = new AtomicLong();
        AtomicLong lastNanos = new AtomicLong();
        AtomicLong badExchanges = new AtomicLong();
        CamelContext context = new DefaultCamelContext();
        try {
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("opencode:events?serverUrl=" + server.url() + "&bufferSize=" + expected).routeId("row3")
                            .process(exchange -> countExchange(exchange, expected, exchanges, lastNanos, badExchanges, allRouted));
                }
            });
            CountDownLatch release = server.holdNextConnection();
            context.start();
            long startNanos = System.nanoTime();
            release.countDown();
            if (!allRouted.await(ROUND_LIMIT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the opencode:events route got " + exchanges.get() + " of " + expected
                        + " exchanges within " + ROUND_LIMIT_SECONDS + " s");
            }
            OpenCodeEventsConsumer consumer = (OpenCodeEventsConsumer) context.getRoute("row3").getConsumer();
            if (consumer.getDroppedCount() != 0 || badExchanges.get() != 0) {
                throw new IllegalStateException("the opencode:events consumer dropped " + consumer.getDroppedCount()
                        + " events and routed " + badExchanges.get() + " exchanges without a matching typed body");
            }
            return expected / ((lastNanos.get() - startNanos) / 1e9);
        } finally {
            context.stop();
        }
    }

    /** The route's processor: counts, checks the body against the type header, marks the last expected exchange. */
    private static void countExchange(Exchange exchange, int expected, AtomicLong exchanges, AtomicLong lastNanos,
            AtomicLong badExchanges, CountDownLatch allRouted) {
        Object body = exchange.getMessage().getBody();
        String type = exchange.getMessage().getHeader(OpenCodeConstants.EVENT_TYPE, String.class);
        if (!(body instanceof OpenCodeEvent event) || !event.type().equals(type) || "server.heartbeat".equals(type)) {
            badExchanges.incrementAndGet();
        }
        if (exchanges.incrementAndGet() == expected) {
            lastNanos.set(System.nanoTime());
            allRouted.countDown();
        }
    }

    private record StreamRound(double eventsPerSecond, long routedToSessions) {
    }

    private static StreamRound eventStreamRound(SseReplayServer server) throws Exception {
        AtomicLong allEvents = new AtomicLong();
        AtomicLong sessionEvents = new AtomicLong();
        AtomicLong startNanos = new AtomicLong();
        AtomicLong endNanos = new AtomicLong();
        CountDownLatch ended = new CountDownLatch(1);
        EventStream stream = new EventStream(ServerEndpoint.of(server.url(), null, null),
                new ClientOptions(Duration.ofSeconds(2), Duration.ofSeconds(5)),
                new EventStreamOptions(Duration.ofSeconds(25), Duration.ofSeconds(10), Duration.ofSeconds(10)));
        List<Subscription> subscriptions = new ArrayList<>();
        for (String sessionId : server.sessionIds()) {
            subscriptions.add(stream.subscribe(sessionId, event -> sessionEvents.incrementAndGet()));
        }
        subscriptions.add(stream.subscribe(null, new EventListener() {
            @Override
            public void onEvent(OpenCodeEvent event) {
                allEvents.incrementAndGet();
            }

            @Override
            public void onConnected(boolean reconnected) {
                startNanos.compareAndSet(0, System.nanoTime());
            }

            @Override
            public void onDisconnected(Throwable cause) {
                endNanos.compareAndSet(0, System.nanoTime());
                ended.countDown();
            }

            @Override
            public void onMalformedFrame(String frame, Exception error) {
                allEvents.incrementAndGet();
            }
        }));
        stream.start();
        if (!ended.await(ROUND_LIMIT_SECONDS, TimeUnit.SECONDS)) {
            stream.close();
            throw new IllegalStateException("the replayed event stream did not end within " + ROUND_LIMIT_SECONDS + " s");
        }
        stream.close();
        subscriptions.forEach(Subscription::close);
        if (allEvents.get() != server.eventsPerConnection()) {
            throw new IllegalStateException("EventStream delivered " + allEvents.get() + " events, the server sent "
                    + server.eventsPerConnection());
        }
        double seconds = (endNanos.get() - startNanos.get()) / 1e9;
        return new StreamRound(allEvents.get() / seconds, sessionEvents.get());
    }

    /** Baseline: the same request, reading lines and counting {@code data:} lines, nothing parsed. */
    private static double lineBaselineRound(SseReplayServer server) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.url() + "/event")).GET().build();
        long start = System.nanoTime();
        HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        long events = 0;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith("data:")) {
                    events++;
                }
            }
        }
        long end = System.nanoTime();
        if (events != server.eventsPerConnection()) {
            throw new IllegalStateException("baseline read " + events + " events, the server sent " + server.eventsPerConnection());
        }
        return events / ((end - start) / 1e9);
    }

    private EventThroughputBench() {
    }
}
