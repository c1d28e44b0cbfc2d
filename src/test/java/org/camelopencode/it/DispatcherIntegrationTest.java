package org.camelopencode.it;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.camelopencode.client.ClientOptions;
import org.camelopencode.client.MessageWithParts;
import org.camelopencode.client.OpenCodeClient;
import org.camelopencode.client.OpenCodeJson;
import org.camelopencode.client.ServerEndpoint;
import org.camelopencode.dispatch.DispatchOptions;
import org.camelopencode.dispatch.DispatchRequest;
import org.camelopencode.dispatch.DispatchResult;
import org.camelopencode.dispatch.Dispatcher;
import org.camelopencode.failure.FailureKind;
import org.camelopencode.failure.OpenCodeFailureException;
import org.camelopencode.testkit.RecordedRequest;
import org.camelopencode.testkit.Reply;
import org.camelopencode.testkit.RequestMatcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@link Dispatcher} used directly (no Camel) against the real {@code opencode serve} of
 * {@link SharedOpenCode}: an abort from outside, wrong credentials, a closed port and structured
 * output with a JSON schema.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DispatcherIntegrationTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final DispatchOptions OPTIONS = new DispatchOptions(Duration.ofSeconds(2), Duration.ofSeconds(10),
            Duration.ofSeconds(5), 4);

    private SharedOpenCode openCode;
    private OpenCodeClient client;
    private Dispatcher dispatcher;

    @BeforeAll
    void connect() throws Exception {
        openCode = SharedOpenCode.get();
        client = openCode.newClient();
        dispatcher = new Dispatcher(client, OPTIONS);
    }

    @AfterAll
    void disconnect() {
        if (dispatcher != null) {
            dispatcher.close();
        }
        if (client != null) {
            client.close();
        }
    }

    private static DispatchRequest request(String prompt, JsonNode schema) {
        return new DispatchRequest(prompt, SharedOpenCode.MODEL, null, null, "dispatcher-it", false, schema, TIMEOUT,
                null, null, 1);
    }

    private static OpenCodeFailureException failureOf(CompletableFuture<DispatchResult> future) {
        Throwable thrown = catchThrowable(() -> future.get(60, SECONDS));
        assertThat(thrown).isInstanceOf(ExecutionException.class);
        assertThat(thrown.getCause()).isInstanceOf(OpenCodeFailureException.class);
        return (OpenCodeFailureException) thrown.getCause();
    }

    private long requestsContaining(String marker) {
        return openCode.model().scriptedRequests().stream().filter(request -> request.latestUserText().contains(marker)).count();
    }

    @Test
    void anAbortFromOutsideIsAborted() {
        openCode.model().when(RequestMatcher.promptContains("D-EXTERNAL-ABORT")).reply(Reply.hang());
        Set<String> busyBefore = new HashSet<>(client.sessionStatuses().keySet());
        CompletableFuture<DispatchResult> future = dispatcher.dispatch(request("D-EXTERNAL-ABORT wait for me", null));
        await().atMost(Duration.ofSeconds(20)).until(() -> requestsContaining("D-EXTERNAL-ABORT") >= 1);
        Set<String> busyNow = new HashSet<>(client.sessionStatuses().keySet());
        busyNow.removeAll(busyBefore);
        assertThat(busyNow).hasSize(1);
        String sessionId = busyNow.iterator().next();

        assertThat(client.abort(sessionId)).isTrue();

        OpenCodeFailureException failure = failureOf(future);
        assertThat(failure.getKind()).isEqualTo(FailureKind.ABORTED);
        assertThat(failure.getSessionId()).isEqualTo(sessionId);
        assertThat(failure.getMessage()).contains("MessageAbortedError");
    }

    @Test
    void aWrongPasswordIsAuthFailed() {
        ServerEndpoint wrong = ServerEndpoint.of(openCode.server().baseUri().toString(), openCode.server().username(),
                "not-the-password");
        try (OpenCodeClient wrongClient = new OpenCodeClient(wrong, ClientOptions.defaults());
                Dispatcher wrongDispatcher = new Dispatcher(wrongClient, OPTIONS)) {
            OpenCodeFailureException failure = failureOf(wrongDispatcher.dispatch(request("D-WRONG-PASSWORD never sent", null)));
            assertThat(failure.getKind()).isEqualTo(FailureKind.AUTH_FAILED);
            assertThat(failure.getSessionId()).isNull();
            assertThat(failure.getMessage()).contains("401").doesNotContain("not-the-password");
        }
        assertThat(requestsContaining("D-WRONG-PASSWORD")).isZero();
    }

    @Test
    void aClosedPortIsProviderUnavailable() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            closedPort = socket.getLocalPort();
        }
        ServerEndpoint nowhere = ServerEndpoint.of("http://127.0.0.1:" + closedPort, null, "secret");
        try (OpenCodeClient nowhereClient = new OpenCodeClient(nowhere, ClientOptions.defaults());
                Dispatcher nowhereDispatcher = new Dispatcher(nowhereClient, OPTIONS)) {
            OpenCodeFailureException failure = failureOf(nowhereDispatcher.dispatch(request("D-CLOSED-PORT never sent", null)));
            assertThat(failure.getKind()).isEqualTo(FailureKind.PROVIDER_UNAVAILABLE);
            assertThat(failure.getMessage()).contains("127.0.0.1:" + closedPort).contains("connection refused");
        }
    }

    /**
     * Verified on 1.18.33: with {@code format: json_schema} the server offers the model a
     * {@code StructuredOutput} tool whose parameters are the schema, with {@code tool_choice: required};
     * the tool call's arguments land in {@code info.structured} of the assistant message
     * ({@code finish: tool-calls}, no text part, no follow-up request). The server then answers the
     * full {@code GET /session/{id}/message} with 400 ("Expected OutputFormatJsonSchema"): it cannot
     * encode the user message it stored with {@code retryCount}; {@code ?limit=N} without that message
     * still works, and the dispatcher reads around it (1.1.65 answers the full read).
     */
    @Test
    void aSchemaIsAnsweredThroughTheStructuredOutputTool() throws Exception {
        openCode.model().when(RequestMatcher.promptContains("D-SCHEMA")).reply(
                Reply.toolCall("StructuredOutput", "{\"answer\":42}"), Reply.text("schema done"));
        JsonNode schema = OpenCodeJson.mapper().readTree("{\"type\":\"object\",\"properties\":{\"answer\":{\"type\":\"integer\"}}}");

        DispatchResult result = dispatcher.dispatch(request("D-SCHEMA Answer with the schema.", schema)).get(90, SECONDS);

        assertThat(result.json().get("answer").asInt()).isEqualTo(42);
        assertThat(result.text()).isEqualTo("{\"answer\":42}");
        assertThat(result.finish()).isEqualTo("tool-calls");
        assertThat(result.tokens().input()).isPositive();
        Throwable fullRead = catchThrowable(() -> client.messages(result.sessionId(), null));
        if (fullRead != null) {
            assertThat(fullRead).as("the server bug the dispatcher reads around").hasMessageContaining("Expected OutputFormatJsonSchema");
        } else {
            // OpenCode 1.1.65 has no such bug: the full read answers, with the structured reply on the last message.
            List<MessageWithParts> all = client.messages(result.sessionId(), null);
            assertThat(all.get(all.size() - 1).info().structured().get("answer").asInt()).isEqualTo(42);
        }
        List<RecordedRequest> seen = openCode.model().scriptedRequests().stream()
                .filter(request -> request.latestUserText().contains("D-SCHEMA")).toList();
        assertThat(seen).hasSize(1);
        JsonNode body = OpenCodeJson.mapper().readTree(seen.get(0).bodyJson());
        assertThat(body.get("tool_choice").asText()).isEqualTo("required");
        JsonNode structuredTool = null;
        for (JsonNode tool : body.get("tools")) {
            if ("StructuredOutput".equals(tool.path("function").path("name").asText())) {
                structuredTool = tool.get("function");
            }
        }
        assertThat(structuredTool).as("the StructuredOutput tool offered to the model").isNotNull();
        assertThat(structuredTool.get("parameters")).isEqualTo(schema);

        List<MessageWithParts> latest = client.messages(result.sessionId(), 1);
        assertThat(latest).hasSize(1);
        assertThat(latest.get(0).info().isCompleted()).isTrue();
        assertThat(latest.get(0).info().structured().get("answer").asInt()).isEqualTo(42);
        assertThat(latest.get(0).info().finish()).isEqualTo("tool-calls");
        assertThat(latest.get(0).parts()).anyMatch(part -> "StructuredOutput".equals(part.tool()));
    }
}
