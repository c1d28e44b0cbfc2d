package org.camelopencode.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client against the real pinned {@code opencode serve} (no model calls): auth, sessions, status, messages,
 * permissions, questions, 404 parsing and the event stream's first frame. Skipped only when surefire does not
 * pass {@code opencode.binary}; a missing binary fails.
 */
class RealServerTest {

    private static final String PASSWORD = "real-Server-Pa55";

    @TempDir
    static Path home;
    private static Process process;
    private static String url;

    @BeforeAll
    static void startServer() throws Exception {
        String binary = System.getProperty("opencode.binary");
        org.junit.jupiter.api.Assumptions.assumeTrue(binary != null && !binary.isBlank(), "opencode.binary not set");
        assertThat(Path.of(binary)).exists();
        Path workspace = Files.createDirectories(home.resolve("workspace"));
        ProcessBuilder builder = new ProcessBuilder(binary, "serve", "--port", "0", "--hostname", "127.0.0.1")
                .directory(workspace.toFile())
                .redirectErrorStream(true);
        Map<String, String> environment = builder.environment();
        environment.put("HOME", home.toString());
        for (String variable : List.of("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME")) {
            environment.put(variable, home.resolve(variable.toLowerCase()).toString());
        }
        environment.put("OPENCODE_DISABLE_MODELS_FETCH", "1");
        environment.put("OPENCODE_DISABLE_AUTOUPDATE", "1");
        environment.put("OPENCODE_DISABLE_SHARE", "1");
        environment.put("OPENCODE_DISABLE_LSP_DOWNLOAD", "1");
        environment.put("OPENCODE_SERVER_PASSWORD", PASSWORD);
        environment.put("OPENCODE_CONFIG_CONTENT", "{\"provider\":{\"mock\":{\"npm\":\"@ai-sdk/openai-compatible\","
                + "\"options\":{\"baseURL\":\"http://127.0.0.1:9/v1\",\"apiKey\":\"x\"},\"models\":{\"echo\":{}}}},"
                + "\"model\":\"mock/echo\",\"small_model\":\"mock/echo\"}");
        process = builder.start();
        BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        url = CompletableFuture.supplyAsync(() -> readListeningUrl(output)).get(60, TimeUnit.SECONDS);
        // Keep draining the output so the server never blocks on a full pipe.
        Thread drain = new Thread(() -> output.lines().forEach(line -> { }), "opencode-output-drain");
        drain.setDaemon(true);
        drain.start();
    }

    private static String readListeningUrl(BufferedReader output) {
        try {
            String line;
            while ((line = output.readLine()) != null) {
                int at = line.indexOf("listening on ");
                if (at >= 0) {
                    return line.substring(at + "listening on ".length()).trim();
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        throw new IllegalStateException("opencode serve ended without printing its URL");
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    @Test
    void apiAndEventStreamAgainstTheRealServer() throws Exception {
        try (OpenCodeClient anonymous = new OpenCodeClient(ServerEndpoint.of(url, null, null), ClientOptions.defaults())) {
            assertThatThrownBy(anonymous::health).isInstanceOf(OpenCodeAuthenticationException.class)
                    .satisfies(error -> assertThat(((OpenCodeApiException) error).statusCode()).isEqualTo(401));
        }
        try (OpenCodeClient client = new OpenCodeClient(ServerEndpoint.of(url, null, PASSWORD), ClientOptions.defaults())) {
            assertThat(client.health()).isEqualTo(new Health(true, "1.18.33"));

            EventStream events = client.eventStream();
            EventStreamTest.RecordingListener all = new EventStreamTest.RecordingListener();
            events.subscribe(null, all);
            await().atMost(Duration.ofSeconds(20)).until(events::isConnected);

            Session session = client.createSession(new CreateSessionRequest("client-it",
                    List.of(new PermissionRule("bash", "*", "deny"))));
            assertThat(session.id()).startsWith("ses_");
            assertThat(session.title()).isEqualTo("client-it");
            assertThat(session.version()).isEqualTo("1.18.33");

            await().atMost(Duration.ofSeconds(10)).until(() -> all.events.stream()
                    .anyMatch(event -> session.id().equals(event.sessionId()) && event.type().equals("session.created")));
            assertThat(client.sessionStatuses()).doesNotContainKey(session.id());
            assertThat(client.messages(session.id(), null)).isEmpty();
            assertThat(client.messages(session.id(), 5)).isEmpty();
            assertThat(client.permissions()).isEmpty();
            assertThat(client.questions()).isEmpty();
            assertThat(client.abort(session.id())).isTrue();

            OpenCodeApiException notFound = (OpenCodeApiException) org.assertj.core.api.Assertions
                    .catchThrowable(() -> client.messages("ses_doesnotexist", null));
            assertThat(notFound.statusCode()).isEqualTo(404);
            assertThat(notFound.errorName()).isEqualTo("NotFoundError");
            assertThat(notFound.getMessage()).doesNotContain(PASSWORD);
        }
    }
}
