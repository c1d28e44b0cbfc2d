package org.camelopencode.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.apache.camel.main.Main;
import org.camelopencode.testkit.Reply;
import org.camelopencode.testkit.RequestMatcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The shipped runner's status page ({@code routes/status.yaml}) during a scripted batch on the real OpenCode server:
 * a slow task is seen in flight, then completed, next to a task that fails as {@code assistant_output_not_json}.
 * Checked through {@code GET /status/api} and in headless Chromium (the page's own JavaScript renders the DOM).
 *
 * <p>Without Chromium installed the browser test is skipped (reported as such), unless
 * {@code -Dstatus.browser.required=true} (CI) makes a missing browser a failure.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StatusPageIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private Path work;
    private Main runner;
    private String base;

    @BeforeAll
    void startRunner() throws Exception {
        SharedOpenCode openCode = SharedOpenCode.get();
        work = Files.createTempDirectory("status-page-");
        // Streamed slowly (a pause before each frame): the task stays in flight for several seconds.
        openCode.model().when(RequestMatcher.promptContains("STATUS-SLOW"))
                .reply(Reply.slow(Reply.text("Finished slowly for the status page."), Duration.ofMillis(600)));
        openCode.model().when(request -> request.messagesJson().contains("STATUS-PROSE")).reply(Reply.text("Not JSON at all."));
        int port = freePort();
        base = "http://127.0.0.1:" + port;
        runner = openCode.newRunner(work);
        runner.addOverrideProperty("opencode.status.enabled", "true");
        runner.addOverrideProperty("opencode.status.port", String.valueOf(port));
        runner.addOverrideProperty("opencode.timeout", "PT90S");
        runner.start();
    }

    @AfterAll
    void stopRunner() {
        if (runner != null) {
            runner.stop();
        }
    }

    @Test
    void pageShowsServersThenATaskInFlightThenItsResult() throws Exception {
        Optional<HeadlessChromium> chromium = HeadlessChromium.find();
        if (Boolean.getBoolean("status.browser.required")) {
            assertThat(chromium).as("chromium on the PATH or /usr/bin/chromium (apt-get install -y chromium)").isPresent();
        }
        Path inbox = work.resolve("inbox");
        Files.createDirectories(inbox);
        Files.writeString(inbox.resolve("status-slow.md"), "STATUS-SLOW: say something slowly\n");
        Files.writeString(inbox.resolve("status-prose.md"), "---\nexpect: json\n---\nSTATUS-PROSE: reply with JSON\n");

        JsonNode running = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(this::api, status -> status.path("inFlight").toString().contains("status-slow"));
        assertThat(running.path("servers")).isNotEmpty();
        assertThat(running.path("servers").get(0).path("healthy").asBoolean()).isTrue();
        String dom = null;
        if (chromium.isPresent()) {
            dom = chromium.get().dumpDom(base + "/status", 3000, Files.createDirectories(work.resolve("chromium-1")));
            assertThat(dom).contains("<tr class=\"server\">").contains("HEALTHY");
            assertThat(between(dom, "id=\"inflight\"", "</tbody>")).contains("class=\"running\"").contains("status-slow");
            // Still running: the slow task has no result row yet.
            assertThat(between(dom, "id=\"recent\"", "</tbody>")).doesNotContain("status-slow");
        }

        JsonNode finished = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300))
                .until(this::api, status -> status.path("recent").toString().contains("status-slow")
                        && status.path("totals").path("failuresByKind").has("assistant_output_not_json")
                        && !status.path("inFlight").toString().contains("status-slow"));
        JsonNode slowResult = null;
        for (JsonNode done : finished.path("recent")) {
            if ("status-slow".equals(done.path("task").asText())) {
                slowResult = done;
            }
        }
        assertThat(slowResult).isNotNull();
        assertThat(slowResult.path("outcome").asText()).isEqualTo("completed");
        assertThat(slowResult.path("model").asText()).isEqualTo(SharedOpenCode.MODEL);
        assertThat(slowResult.path("durationMillis").asLong()).isGreaterThan(1000);
        assertThat(finished.path("totals").path("completed").asLong()).isGreaterThanOrEqualTo(1);
        long chartCompleted = 0;
        for (JsonNode bucket : finished.path("timeline")) {
            chartCompleted += bucket.path("completed").asLong();
        }
        assertThat(chartCompleted).isEqualTo(finished.path("totals").path("completed").asLong());

        Assumptions.assumeTrue(chromium.isPresent(), "chromium is not installed (apt-get install -y chromium): browser checks skipped");
        dom = chromium.get().dumpDom(base + "/status", 3000, Files.createDirectories(work.resolve("chromium-2")));
        assertThat(between(dom, "id=\"inflight\"", "</tbody>")).doesNotContain("status-slow");
        String recent = between(dom, "id=\"recent\"", "</tbody>");
        assertThat(recent).contains("<tr class=\"finished completed\"><td>").contains("status-slow")
                .contains("<tr class=\"finished failed\">").contains("assistant_output_not_json");
        assertThat(between(dom, "id=\"failures\"", "</tbody>")).contains("assistant_output_not_json");
        assertThat(between(dom, "id=\"chart\"", "</svg>")).contains("class=\"bar-completed\"").contains("class=\"spend\"");
        assertThat(dom).contains("id=\"total-completed\">completed: " + finished.path("totals").path("completed").asLong())
                .contains("<span id=\"problem\" class=\"bad\"></span>");
    }

    @Test
    void apiAndPageAnswerWithTheirContentTypes() throws Exception {
        HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/status")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
        assertThat(page.body()).contains("<title>camel-opencode status</title>")
                // Self-contained: nothing loaded from elsewhere (the SVG namespace URI is a name, not a fetch).
                .doesNotContain("src=\"http", "href=\"http", "<link", "@import", "url(");
        HttpResponse<String> api = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/status/api")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(api.statusCode()).isEqualTo(200);
        assertThat(api.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        JsonNode status = JSON.readTree(api.body());
        assertThat(status.path("bucketSeconds").asInt()).isEqualTo(10);
        assertThat(status.path("timeline")).hasSize(60);
        assertThat(api.body()).doesNotContain(SharedOpenCode.get().server().password());
    }

    private JsonNode api() throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/status/api")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET /status/api: %s", response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static String between(String text, String start, String end) {
        int from = text.indexOf(start);
        assertThat(from).as("%s in the page", start).isNotNegative();
        int to = text.indexOf(end, from);
        return text.substring(from, to < 0 ? text.length() : to);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }
}
