package org.camelopencode.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.apache.camel.main.Main;
import org.camelopencode.server.ManagedOpenCodeServer;
import org.camelopencode.server.ManagedServerOptions;
import org.camelopencode.server.OpenCodeBinary;
import org.camelopencode.server.OpenCodeConfig;
import org.camelopencode.testkit.Reply;
import org.camelopencode.testkit.RequestMatcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The shipped runner's operability over its management HTTP server (a free port per runner): readiness at
 * {@code /observe/health} follows a real OpenCode server that is stopped and started again on the same port; the
 * Prometheus text at {@code /observe/metrics} counts a scripted file-drop batch (2 completed, 1 failed); a dispatch
 * whose message carries a {@code traceparent} header produces dispatch and attempt spans in that trace (in-memory
 * exporter bound in the runner's registry).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperabilityIntegrationTest {

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String PARENT_SPAN_ID = "00f067aa0ba902b7";

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private OpenTelemetrySdk openTelemetry;
    private SharedOpenCode openCode;
    private Path work;
    private Main runner;
    private int managementPort;

    @BeforeAll
    void startRunner() throws Exception {
        openCode = SharedOpenCode.get();
        openCode.model().when(RequestMatcher.promptContains("OBS-OK")).reply(Reply.text("Done by the scripted model."));
        openCode.model().when(RequestMatcher.promptContains("OBS-AUTH")).reply(Reply.unauthorized());
        openCode.model().when(RequestMatcher.promptContains("OBS-TRACE")).reply(Reply.text("Traced."));
        openTelemetry = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();
        work = Files.createTempDirectory("operability-it-");
        Files.createDirectories(work.resolve("inbox"));
        managementPort = freePort();
        runner = openCode.newRunner(work);
        enableManagement(runner, managementPort);
        runner.addOverrideProperty("opencode.tracing.enabled", "true");
        runner.bind("testOpenTelemetry", openTelemetry);
        runner.start();
    }

    @AfterAll
    void stopRunner() {
        if (runner != null) {
            runner.stop();
        }
        if (openTelemetry != null) {
            openTelemetry.close();
        }
    }

    @Test
    void prometheusTextCountsAScriptedBatch() throws Exception {
        Files.writeString(work.resolve("inbox").resolve("ok-1.txt"), "OBS-OK first task.\n");
        Files.writeString(work.resolve("inbox").resolve("ok-2.txt"), "OBS-OK second task.\n");
        Files.writeString(work.resolve("inbox").resolve("auth.txt"), "OBS-AUTH this one is refused.\n");
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() ->
                Files.exists(work.resolve("outbox").resolve("ok-1.result.json"))
                        && Files.exists(work.resolve("outbox").resolve("ok-2.result.json"))
                        && Files.exists(work.resolve("dead-letter").resolve("auth.error.json")));

        HttpResponse<String> metrics = get(managementPort, "/observe/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        String text = metrics.body();
        assertThat(sample(text, "opencode_dispatches_total", Map.of("outcome", "completed", "kind", "none"))).isEqualTo(2.0);
        assertThat(sample(text, "opencode_dispatches_total", Map.of("outcome", "failed", "kind", "auth_failed"))).isEqualTo(1.0);
        assertThat(sample(text, "opencode_tokens_total", Map.of("model", SharedOpenCode.MODEL, "type", "input"))).isPositive();
        assertThat(sample(text, "opencode_tokens_total", Map.of("model", SharedOpenCode.MODEL, "type", "output"))).isPositive();
        assertThat(sample(text, "opencode_cost_total", Map.of("model", SharedOpenCode.MODEL))).isNotNull();
        assertThat(sample(text, "opencode_dispatch_duration_seconds_count", Map.of("outcome", "completed", "kind", "none")))
                .isEqualTo(2.0);
        assertThat(sample(text, "opencode_dispatches_inflight", Map.of())).isEqualTo(0.0);
        // One gate latency per completed attempt (session seen idle -> verdict).
        assertThat(sample(text, "opencode_gate_latency_seconds_count", Map.of())).isEqualTo(2.0);
    }

    @Test
    void aTraceparentHeaderPutsTheDispatchAndAttemptSpansInThatTrace() {
        Exchange exchange = runner.getCamelContext().createProducerTemplate().send("opencode:dispatch", sent -> {
            sent.getMessage().setBody("OBS-TRACE say something.");
            sent.getMessage().setHeader("traceparent", "00-" + TRACE_ID + "-" + PARENT_SPAN_ID + "-01");
        });
        assertThat(exchange.getException()).isNull();

        await().atMost(Duration.ofSeconds(20)).alias("spans: " + spans.getFinishedSpanItems())
                .until(() -> spansNamed("opencode.dispatch").size() == 1 && spansNamed("opencode.attempt").size() == 1);
        SpanData dispatch = spansNamed("opencode.dispatch").get(0);
        SpanData attempt = spansNamed("opencode.attempt").get(0);
        assertThat(dispatch.getTraceId()).isEqualTo(TRACE_ID);
        assertThat(attempt.getTraceId()).isEqualTo(TRACE_ID);
        assertThat(attempt.getParentSpanId()).isEqualTo(dispatch.getSpanId());
        assertThat(ancestors(dispatch)).contains(PARENT_SPAN_ID);
        assertThat(attempt.getAttributes().asMap().entrySet()).extracting(entry -> entry.getKey().getKey() + "=" + entry.getValue())
                .contains("opencode.model=" + SharedOpenCode.MODEL, "opencode.outcome=completed", "opencode.failure.kind=none",
                        "opencode.attempt=1", "opencode.session.id=" + exchange.getMessage().getHeader("CamelOpenCodeSessionId"));
    }

    @Test
    void healthGoesDownWhenTheServerStopsAndUpWhenItReturns() throws Exception {
        int serverPort = freePort();
        ManagedServerOptions options = ManagedServerOptions.builder()
                .binary(OpenCodeBinary.locate(null))
                .stateDirectory(Files.createTempDirectory("operability-server-"))
                .port(serverPort)
                .password("operability-it-password")
                .startTimeout(Duration.ofSeconds(90))
                .config(new OpenCodeConfig().scriptedProvider("scripted", openCode.model().baseUri(), "echo").model(SharedOpenCode.MODEL))
                .build();
        Path healthWork = Files.createTempDirectory("operability-health-");
        int port = freePort();
        ManagedOpenCodeServer server = ManagedOpenCodeServer.start(options);
        Main watched = openCode.newRunner(healthWork);
        enableManagement(watched, port);
        watched.addOverrideProperty("opencode.server.url", server.baseUri().toString());
        watched.addOverrideProperty("opencode.server.password", server.password());
        watched.start();
        try {
            String check = "opencode-server:" + server.baseUri();
            String events = "opencode-event-stream:" + server.baseUri();
            awaitHealth(port, 200, check, "UP");
            awaitHealth(port, 200, events, "UP");

            server.close();
            JsonNode down = awaitHealth(port, 503, check, "DOWN");
            assertThat(down.path("message").asText()).contains("global").contains("health").contains(server.baseUri().getHost())
                    .doesNotContain("operability-it-password");
            awaitHealth(port, 503, events, "DOWN");

            server = ManagedOpenCodeServer.start(options);
            awaitHealth(port, 200, check, "UP");
            awaitHealth(port, 200, events, "UP");
        } finally {
            watched.stop();
            server.close();
        }
    }

    /**
     * Waits until {@code /observe/health} answers {@code status} and lists {@code check} with {@code checkStatus}.
     *
     * @return that check's JSON object
     */
    private JsonNode awaitHealth(int port, int status, String check, String checkStatus) {
        JsonNode[] found = new JsonNode[1];
        String[] last = new String[1];
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
                HttpResponse<String> response = get(port, "/observe/health");
                last[0] = response.statusCode() + " " + response.body();
                found[0] = null;
                for (JsonNode entry : JSON.readTree(response.body()).path("checks")) {
                    if (entry.path("name").asText().equals(check) && entry.path("status").asText().equals(checkStatus)) {
                        found[0] = entry;
                    }
                }
                return response.statusCode() == status && found[0] != null;
            });
        } catch (org.awaitility.core.ConditionTimeoutException timedOut) {
            throw new AssertionError("health never answered " + status + " with " + check + " " + checkStatus + "; last answer: "
                    + last[0], timedOut);
        }
        return found[0];
    }

    /** Finished spans of that name in the test's trace (the batch of the other test has spans of its own). */
    private List<SpanData> spansNamed(String name) {
        return spans.getFinishedSpanItems().stream().filter(span -> span.getName().equals(name))
                .filter(span -> span.getTraceId().equals(TRACE_ID)).toList();
    }

    /** Span ids from the span's parent up through the finished spans, ending with the first id not among them. */
    private List<String> ancestors(SpanData span) {
        List<SpanData> finished = spans.getFinishedSpanItems();
        List<String> ids = new java.util.ArrayList<>();
        String parent = span.getParentSpanId();
        while (parent != null && !ids.contains(parent)) {
            ids.add(parent);
            String current = parent;
            parent = finished.stream().filter(candidate -> candidate.getSpanId().equals(current)).findFirst()
                    .map(SpanData::getParentSpanId).orElse(null);
        }
        return ids;
    }

    private static void enableManagement(Main runner, int port) {
        runner.addOverrideProperty("opencode.management.enabled", "true");
        runner.addOverrideProperty("opencode.management.port", String.valueOf(port));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }

    private static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The value of the first Prometheus sample having these labels (and maybe others), or {@code null} when there is none. */
    private static Double sample(String text, String name, Map<String, String> labels) {
        Pattern line = Pattern.compile("^" + Pattern.quote(name) + "(?:\\{([^}]*)\\})? (\\S+)", Pattern.MULTILINE);
        Matcher matcher = line.matcher(text);
        while (matcher.find()) {
            Map<String, String> found = new java.util.HashMap<>();
            Matcher label = Pattern.compile("(\\w+)=\"([^\"]*)\"").matcher(matcher.group(1) == null ? "" : matcher.group(1));
            while (label.find()) {
                found.put(label.group(1), label.group(2));
            }
            if (found.entrySet().containsAll(labels.entrySet())) {
                return Double.parseDouble(matcher.group(2));
            }
        }
        return null;
    }
}
