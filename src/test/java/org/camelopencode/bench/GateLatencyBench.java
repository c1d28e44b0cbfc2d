package org.camelopencode.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.camelopencode.client.ClientOptions;
import org.camelopencode.client.OpenCodeClient;
import org.camelopencode.client.ServerEndpoint;
import org.camelopencode.dispatch.DispatchOptions;
import org.camelopencode.dispatch.DispatchRequest;
import org.camelopencode.dispatch.DispatchResult;
import org.camelopencode.dispatch.Dispatcher;

/**
 * Row 2: time from the stub writing a session's {@code session.idle} frame to the dispatch future completing (the
 * event-driven {@link Dispatcher}, poll interval 10 s so only the event can end the wait), against a plain loop
 * polling {@code GET /session/status} every second and then reading {@code GET /session/{id}/message}.
 */
final class GateLatencyBench {

    /** Latencies in milliseconds. */
    record Result(Stats eventDriven, Stats polling) {
    }

    static Result run(int warmUp, int measured, int pollingSamples) throws Exception {
        ScheduledExecutorService timers = Executors.newScheduledThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, DispatchStub.THREAD_PREFIX + "timer");
            thread.setDaemon(true);
            return thread;
        });
        try (DispatchStub stub = new DispatchStub()) {
            Stats eventDriven = eventDriven(stub, timers, warmUp, measured);
            Stats polling = polling(stub, timers, pollingSamples);
            return new Result(eventDriven, polling);
        } finally {
            timers.shutdownNow();
        }
    }

    private static Stats eventDriven(DispatchStub stub, ScheduledExecutorService timers, int warmUp, int measured) throws Exception {
        // The turn ends 5 ms after the prompt: the dispatcher is then waiting on the event, as with a real model.
        stub.onPrompt(sessionId -> timers.schedule(() -> stub.finish(sessionId), 5, TimeUnit.MILLISECONDS));
        List<Double> latencies = new ArrayList<>();
        try (OpenCodeClient client = new OpenCodeClient(ServerEndpoint.of(stub.url(), null, null),
                new ClientOptions(Duration.ofSeconds(2), Duration.ofSeconds(10)));
                Dispatcher dispatcher = new Dispatcher(client, DispatchOptions.defaults())) {
            awaitEventConnection(stub);
            for (int index = 0; index < warmUp + measured; index++) {
                CompletableFuture<DispatchResult> dispatched = dispatcher.dispatch(DispatchRequest.of("task " + index, Duration.ofSeconds(30)));
                // Registered before the turn ends, so it runs on the completing thread at the moment of completion.
                CompletableFuture<Long> completedAt = dispatched.thenApply(result -> System.nanoTime());
                long done = completedAt.get(30, TimeUnit.SECONDS);
                DispatchResult result = dispatched.join();
                if (!result.text().equals("reply to " + result.sessionId())) {
                    throw new IllegalStateException("unexpected reply " + result.text());
                }
                String sessionId = result.sessionId();
                long written = idleFrameWrittenAt(stub, sessionId);
                if (index >= warmUp) {
                    latencies.add((done - written) / 1e6);
                }
            }
        }
        return new Stats(latencies);
    }

    /** Baseline: what a caller polling once a second sees; the turn ends at a random point of the poll period. */
    private static Stats polling(DispatchStub stub, ScheduledExecutorService timers, int samples) throws Exception {
        stub.onPrompt(sessionId -> timers.schedule(() -> stub.finish(sessionId),
                ThreadLocalRandom.current().nextLong(1, 1000), TimeUnit.MILLISECONDS));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<CompletableFuture<Double>> results = new ArrayList<>();
        for (int index = 0; index < samples; index++) {
            String created = send(http, stub.url() + "/session", "POST", "{}");
            String sessionId = created.substring(created.indexOf("\"id\":\"") + 6, created.indexOf("\",\""));
            send(http, stub.url() + "/session/" + sessionId + "/prompt_async", "POST",
                    "{\"parts\":[{\"type\":\"text\",\"text\":\"task\"}]}");
            CompletableFuture<Double> latency = new CompletableFuture<>();
            ScheduledFuture<?>[] loop = new ScheduledFuture<?>[1];
            loop[0] = timers.scheduleAtFixedRate(() -> {
                try {
                    String statuses = send(http, stub.url() + "/session/status", "GET", null);
                    if (!statuses.contains("\"" + sessionId + "\"")) {
                        String messages = send(http, stub.url() + "/session/" + sessionId + "/message", "GET", null);
                        long done = System.nanoTime();
                        if (messages.contains("reply to " + sessionId)) {
                            latency.complete((done - idleFrameWrittenAt(stub, sessionId)) / 1e6);
                            loop[0].cancel(false);
                        }
                    }
                } catch (Exception error) {
                    latency.completeExceptionally(error);
                    loop[0].cancel(false);
                }
            }, 1000, 1000, TimeUnit.MILLISECONDS);
            results.add(latency);
        }
        List<Double> latencies = new ArrayList<>();
        for (CompletableFuture<Double> result : results) {
            latencies.add(result.get(30, TimeUnit.SECONDS));
        }
        return new Stats(latencies);
    }

    private static String send(HttpClient http, String url, String method, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        request = body == null ? request.GET() : request.method(method, HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + url + " answered " + response.statusCode());
        }
        return response.body();
    }

    /**
     * The stub records the frame's time just after writing it, so a fast reader can finish before the time is stored:
     * wait for it (a bounded wait, not part of the measured latency).
     */
    private static long idleFrameWrittenAt(DispatchStub stub, String sessionId) {
        return org.awaitility.Awaitility.await("the idle frame time of " + sessionId).atMost(java.time.Duration.ofSeconds(5))
                .pollInterval(java.time.Duration.ofMillis(1)).until(() -> stub.idleFrameWrittenAt(sessionId), written -> written != null);
    }

    static void awaitEventConnection(DispatchStub stub) throws InterruptedException {
        org.awaitility.Awaitility.await("the dispatcher opens GET /event").atMost(java.time.Duration.ofSeconds(10))
                .pollInterval(java.time.Duration.ofMillis(10)).until(() -> stub.openEventStreams() >= 1);
    }

    private GateLatencyBench() {
    }
}
