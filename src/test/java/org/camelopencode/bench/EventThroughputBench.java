package org.camelopencode.bench;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
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
import org.apache.camel.Processor;
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
 * lines and counts {@code data:} lines. Each is reported as events per second of wall time and per second of CPU
 * time of the whole JVM (reader, consumer, replay server, HttpClient selector, GC and JIT: the figure that the other
 * load of a shared machine does not change much).
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
     * @param peakBuffered      the most events waiting in the consumer's buffer in a measured round (sampled)
     * @param consumer          the {@code opencode:events} route, events (exchanges) per second
     * @param eventStream       {@link EventStream} with its listeners, events per second
     * @param lineBaseline      the line-counting baseline, events per second
     * @param consumerCpu       the consumer, events per CPU second of the whole JVM
     * @param eventStreamCpu    {@link EventStream}, events per CPU second of the whole JVM
     * @param lineBaselineCpu   the baseline, events per CPU second of the whole JVM
     * @param routedToSessions  events the last EventStream round delivered to session listeners
     */
    record Result(int eventsPerRound, int bytesPerRound, int consumerExchanges, int peakBuffered, Stats consumer,
            Stats eventStream, Stats lineBaseline, Stats consumerCpu, Stats eventStreamCpu, Stats lineBaselineCpu,
            long routedToSessions) {
    }

    /**
     * One measured window.
     *
     * @param eventsPerSecond    events per second of wall time
     * @param eventsPerCpuSecond events per second of CPU time used by the whole JVM in the same window
     */
    record Rate(double eventsPerSecond, double eventsPerCpuSecond) {

        static Rate of(long events, long startNanos, long endNanos, long startCpuNanos, long endCpuNanos) {
            if (endNanos <= startNanos || endCpuNanos <= startCpuNanos) {
                throw new IllegalStateException("empty measuring window: " + (endNanos - startNanos) + " ns wall, "
                        + (endCpuNanos - startCpuNanos) + " ns CPU");
            }
            return new Rate(events / ((endNanos - startNanos) / 1e9), events / ((endCpuNanos - startCpuNanos) / 1e9));
        }
    }

    /**
     * @return the CPU time used by this JVM so far, all threads, in ns (on Linux counted in clock ticks of 10 ms)
     * @throws IllegalStateException when the platform does not report it
     */
    static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                && os.getProcessCpuTime() >= 0) {
            return os.getProcessCpuTime();
        }
        throw new IllegalStateException("this JVM does not report its process CPU time");
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
            List<Double> consumerCpuRates = new ArrayList<>();
            List<Double> streamCpuRates = new ArrayList<>();
            List<Double> baselineCpuRates = new ArrayList<>();
            int peakBuffered = 0;
            long routed = 0;
            for (int round = 0; round < WARM_UP_ROUNDS + MEASURED_ROUNDS; round++) {
                // Interleaved so that all three see the same background load.
                ConsumerRound consumer = consumerRound(server);
                StreamRound streamRound = eventStreamRound(server);
                Rate baseline = lineBaselineRound(server);
                if (round >= WARM_UP_ROUNDS) {
                    consumerRates.add(consumer.rate().eventsPerSecond());
                    streamRates.add(streamRound.rate().eventsPerSecond());
                    baselineRates.add(baseline.eventsPerSecond());
                    consumerCpuRates.add(consumer.rate().eventsPerCpuSecond());
                    streamCpuRates.add(streamRound.rate().eventsPerCpuSecond());
                    baselineCpuRates.add(baseline.eventsPerCpuSecond());
                    peakBuffered = Math.max(peakBuffered, consumer.peakBuffered());
                    routed = streamRound.routedToSessions();
                }
                System.out.printf("  row3 round %d%s: opencode:events consumer %.0f events/s (%.0f per CPU s, peak %d buffered),"
                        + " EventStream %.0f events/s (%.0f per CPU s), lines %.0f events/s (%.0f per CPU s)%n", round + 1,
                        round < WARM_UP_ROUNDS ? " (warm-up)" : "", consumer.rate().eventsPerSecond(),
                        consumer.rate().eventsPerCpuSecond(), consumer.peakBuffered(), streamRound.rate().eventsPerSecond(),
                        streamRound.rate().eventsPerCpuSecond(), baseline.eventsPerSecond(), baseline.eventsPerCpuSecond());
            }
            return new Result(server.eventsPerConnection(), server.bodyBytes(), expectedExchanges(server), peakBuffered,
                    new Stats(consumerRates), new Stats(streamRates), new Stats(baselineRates), new Stats(consumerCpuRates),
                    new Stats(streamCpuRates), new Stats(baselineCpuRates), routed);
        }
    }

    private static int expectedExchanges(SseReplayServer server) {
        return server.eventsPerConnection() - server.heartbeatsPerConnection();
    }

    /**
     * @param rate         exchanges per second, from the release of the replay connection to the last expected one
     * @param peakBuffered    the most events seen waiting in the consumer's buffer (sampled every 256 exchanges): how
     *                        far the route fell behind the stream's reader
     */
    record ConsumerRound(Rate rate, int peakBuffered) {
    }

    /**
     * One round of the consumer: a fresh {@link DefaultCamelContext} with
     * {@code from("opencode:events?serverUrl=...&bufferSize=<events per connection>")} into a {@link CountingProcessor}.
     * The replay connection is held until the route is started; timed from its release to the last expected exchange.
     * The buffer holds a whole connection, so no event may be dropped: a drop (checked every 100 ms), a failed check or
     * a missing exchange fails the round. The stream's reconnects after the end of the body get an empty body, so they
     * neither add exchanges nor compete for the CPU.
     *
     * @return the round's rate and how far the route fell behind
     * @throws IllegalStateException when an event was dropped or not routed within 120 s, or an exchange was wrong
     */
    static ConsumerRound consumerRound(SseReplayServer server) throws Exception {
        int expected = expectedExchanges(server);
        CountingProcessor counter = new CountingProcessor(expected);
        CamelContext context = new DefaultCamelContext();
        long startNanos;
        long startCpuNanos;
        try {
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("opencode:events?serverUrl=" + server.url() + "&bufferSize=" + expected).routeId("row3")
                            .process(counter);
                }
            });
            CountDownLatch release = server.holdNextConnection();
            context.start();
            OpenCodeEventsConsumer consumer = (OpenCodeEventsConsumer) context.getRoute("row3").getConsumer();
            counter.consumer = consumer;
            startCpuNanos = processCpuNanos();
            startNanos = System.nanoTime();
            release.countDown();
            long deadline = startNanos + TimeUnit.SECONDS.toNanos(ROUND_LIMIT_SECONDS);
            while (!counter.allRouted.await(100, TimeUnit.MILLISECONDS)) {
                if (consumer.getDroppedCount() != 0 || System.nanoTime() > deadline) {
                    throw new IllegalStateException("the opencode:events route got " + counter.exchanges.get() + " of "
                            + expected + " exchanges; the consumer dropped " + consumer.getDroppedCount() + " events");
                }
            }
            // Let the last exchange complete before stopping, else its error handler sees a stopping context.
            await().atMost(Duration.ofSeconds(10)).until(() -> context.getInflightRepository().size() == 0);
            if (consumer.getDroppedCount() != 0 || counter.badExchanges.get() != 0) {
                throw new IllegalStateException("the opencode:events consumer dropped " + consumer.getDroppedCount()
                        + " events and routed " + counter.badExchanges.get() + " exchanges without a matching typed body");
            }
        } finally {
            context.stop();
            server.serveEveryConnection();
        }
        if (counter.exchanges.get() != expected) {
            throw new IllegalStateException("the opencode:events route got " + counter.exchanges.get()
                    + " exchanges, the server sent " + expected + " events that are not heartbeats");
        }
        return new ConsumerRound(Rate.of(expected, startNanos, counter.lastNanos, startCpuNanos, counter.lastCpuNanos),
                counter.peakBuffered);
    }

    /**
     * The route's end: counts exchanges, checks that each has a typed body whose type is the
     * {@code CamelOpenCodeEventType} header (and is not a heartbeat, which the consumer filters), samples the
     * consumer's buffer and marks the last expected exchange. Runs on the consumer's single thread.
     */
    private static final class CountingProcessor implements Processor {

        private final int expected;
        private final CountDownLatch allRouted = new CountDownLatch(1);
        private final AtomicLong exchanges = new AtomicLong();
        private final AtomicLong badExchanges = new AtomicLong();
        private volatile OpenCodeEventsConsumer consumer;
        private volatile long lastNanos;
        private volatile long lastCpuNanos;
        private volatile int peakBuffered;

        CountingProcessor(int expected) {
            this.expected = expected;
        }

        @Override
        public void process(Exchange exchange) {
            Object body = exchange.getMessage().getBody();
            String type = exchange.getMessage().getHeader(OpenCodeConstants.EVENT_TYPE, String.class);
            if (!(body instanceof OpenCodeEvent event) || !event.type().equals(type) || "server.heartbeat".equals(type)) {
                badExchanges.incrementAndGet();
            }
            long count = exchanges.incrementAndGet();
            OpenCodeEventsConsumer current = consumer;
            if ((count & 255) == 0 && current != null) {
                peakBuffered = Math.max(peakBuffered, current.getBufferedCount());
            }
            if (count == expected) {
                lastNanos = System.nanoTime();
                lastCpuNanos = processCpuNanos();
                allRouted.countDown();
            }
        }
    }

    /**
     * @param rate             every frame the stream read, per second from connect to end of stream
     * @param routedToSessions how many of them the session listeners got
     */
    record StreamRound(Rate rate, long routedToSessions) {
    }

    /**
     * One round of {@link EventStream} alone: one listener per recorded session plus an all-events listener; timed
     * from {@code onConnected} to {@code onDisconnected} (end of the body).
     *
     * @return the round's rate and routing count
     * @throws IllegalStateException when the stream delivered another number of events than the server sent
     */
    static StreamRound eventStreamRound(SseReplayServer server) throws Exception {
        AtomicLong allEvents = new AtomicLong();
        AtomicLong sessionEvents = new AtomicLong();
        AtomicLong startNanos = new AtomicLong();
        AtomicLong endNanos = new AtomicLong();
        AtomicLong startCpuNanos = new AtomicLong();
        AtomicLong endCpuNanos = new AtomicLong();
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
                if (startNanos.compareAndSet(0, System.nanoTime())) {
                    startCpuNanos.set(processCpuNanos());
                }
            }

            @Override
            public void onDisconnected(Throwable cause) {
                if (endNanos.compareAndSet(0, System.nanoTime())) {
                    endCpuNanos.set(processCpuNanos());
                }
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
        return new StreamRound(Rate.of(allEvents.get(), startNanos.get(), endNanos.get(), startCpuNanos.get(),
                endCpuNanos.get()), sessionEvents.get());
    }

    /** Baseline: the same request, reading lines and counting {@code data:} lines, nothing parsed. */
    static Rate lineBaselineRound(SseReplayServer server) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.url() + "/event")).GET().build();
        long startCpu = processCpuNanos();
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
        long endCpu = processCpuNanos();
        if (events != server.eventsPerConnection()) {
            throw new IllegalStateException("baseline read " + events + " events, the server sent " + server.eventsPerConnection());
        }
        return Rate.of(events, start, end, startCpu, endCpu);
    }

    private EventThroughputBench() {
    }
}
