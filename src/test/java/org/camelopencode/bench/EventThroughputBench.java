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
import org.camelopencode.client.ClientOptions;
import org.camelopencode.client.EventListener;
import org.camelopencode.client.EventStream;
import org.camelopencode.client.EventStreamOptions;
import org.camelopencode.client.OpenCodeEvent;
import org.camelopencode.client.ServerEndpoint;
import org.camelopencode.client.Subscription;

/**
 * Row 3: events per second parsed and routed by {@link EventStream} (one subscription per recorded session plus an
 * all-events listener) against a baseline that only reads the same bytes as lines, from {@link SseReplayServer}.
 */
final class EventThroughputBench {

    private static final int WARM_UP_ROUNDS = 2;
    private static final int MEASURED_ROUNDS = 5;

    /** Measured figures: events per second of each measured round. */
    record Result(int eventsPerRound, int bytesPerRound, Stats eventStream, Stats lineBaseline, long routedToSessions) {
    }

    static Result run(int minimumEvents) throws Exception {
        try (SseReplayServer server = new SseReplayServer(minimumEvents)) {
            List<Double> streamRates = new ArrayList<>();
            List<Double> baselineRates = new ArrayList<>();
            long routed = 0;
            for (int round = 0; round < WARM_UP_ROUNDS + MEASURED_ROUNDS; round++) {
                // Interleaved so that both see the same background load.
                StreamRound streamRound = eventStreamRound(server);
                double baseline = lineBaselineRound(server);
                if (round >= WARM_UP_ROUNDS) {
                    streamRates.add(streamRound.eventsPerSecond());
                    baselineRates.add(baseline);
                    routed = streamRound.routedToSessions();
                }
                System.out.printf("  row3 round %d%s: EventStream %.0f events/s, lines %.0f events/s%n", round + 1,
                        round < WARM_UP_ROUNDS ? " (warm-up)" : "", streamRound.eventsPerSecond(), baseline);
            }
            return new Result(server.eventsPerConnection(), server.bodyBytes(), new Stats(streamRates),
                    new Stats(baselineRates), routed);
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
        if (!ended.await(120, TimeUnit.SECONDS)) {
            stream.close();
            throw new IllegalStateException("the replayed event stream did not end within 120 s");
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
