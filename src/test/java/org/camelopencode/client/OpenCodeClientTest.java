package org.camelopencode.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OpenCodeClientTest {

    private static final String PASSWORD = "s3cret-Pa55word";

    private StubServer stub;
    private OpenCodeClient client;

    @BeforeEach
    void setUp() throws Exception {
        stub = new StubServer();
        client = new OpenCodeClient(ServerEndpoint.of(stub.url(), "alice", PASSWORD),
                new ClientOptions(Duration.ofSeconds(2), Duration.ofSeconds(5)));
    }

    @AfterEach
    void tearDown() {
        client.close();
        stub.close();
    }

    @Test
    void healthSendsBasicAuth() {
        stub.answer("GET", "/global/health", 200, "{\"healthy\":true,\"version\":\"1.18.33\",\"extra\":1}");

        Health health = client.health();

        assertThat(health).isEqualTo(new Health(true, "1.18.33"));
        String expected = "Basic " + Base64.getEncoder()
                .encodeToString(("alice:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        assertThat(stub.requests()).singleElement().satisfies(request -> {
            assertThat(request.method()).isEqualTo("GET");
            assertThat(request.path()).isEqualTo("/global/health");
            assertThat(request.authorization()).isEqualTo(expected);
        });
    }

    @Test
    void noAuthorizationHeaderWithoutPassword() {
        stub.answer("GET", "/global/health", 200, "{\"healthy\":true,\"version\":\"1.18.33\"}");
        try (OpenCodeClient anonymous = new OpenCodeClient(ServerEndpoint.of(stub.url(), null, null), ClientOptions.defaults())) {
            assertThat(anonymous.health().healthy()).isTrue();
        }
        assertThat(stub.requests()).singleElement().extracting(StubServer.Recorded::authorization).isNull();
    }

    @Test
    void createSessionPostsTitleAndPermissionRules() throws Exception {
        stub.answer("POST", "/session", 200, "{\"id\":\"ses_1\",\"slug\":\"happy-rocket\",\"projectID\":\"global\","
                + "\"directory\":\"/w\",\"title\":\"t\",\"version\":\"1.18.33\",\"time\":{\"created\":1}}");

        Session session = client.createSession(new CreateSessionRequest("t",
                List.of(new PermissionRule("bash", "*", "deny"))));

        assertThat(session).isEqualTo(new Session("ses_1", "happy-rocket", "global", "/w", "t", "1.18.33"));
        JsonNode body = OpenCodeJson.mapper().readTree(stub.requests().get(0).body());
        assertThat(body.get("title").asText()).isEqualTo("t");
        assertThat(body.at("/permission/0/permission").asText()).isEqualTo("bash");
        assertThat(body.at("/permission/0/action").asText()).isEqualTo("deny");

        client.createSession("only-title");
        assertThat(stub.requests().get(1).body()).isEqualTo("{\"title\":\"only-title\"}");
    }

    @Test
    void promptSendsBodyAndParsesAssistantMessage() throws Exception {
        stub.answer("POST", "/session/ses_1/message", 200, "{\"info\":{\"id\":\"msg_2\",\"sessionID\":\"ses_1\","
                + "\"role\":\"assistant\",\"parentID\":\"msg_1\",\"modelID\":\"echo\",\"providerID\":\"mock\","
                + "\"cost\":0.5,\"tokens\":{\"input\":10,\"output\":3,\"reasoning\":0,\"cache\":{\"read\":1,\"write\":2}},"
                + "\"time\":{\"created\":1,\"completed\":2},\"structured\":{\"ok\":true},\"finish\":\"stop\"},"
                + "\"parts\":[{\"id\":\"prt_1\",\"type\":\"text\",\"messageID\":\"msg_2\",\"sessionID\":\"ses_1\",\"text\":\"hi\"}]}");
        PromptRequest request = PromptRequest.text("say hi").withModel(ModelReference.parse("mock/echo"))
                .withAgent("build").withSystem("be brief")
                .withFormat(OpenCodeJson.mapper().readTree("{\"type\":\"json_schema\",\"schema\":{}}"));

        MessageWithParts reply = client.prompt("ses_1", request, Duration.ofSeconds(5));

        assertThat(reply.info().isAssistant()).isTrue();
        assertThat(reply.info().isCompleted()).isTrue();
        assertThat(reply.info().tokens()).isEqualTo(new Tokens(null, 10, 3, 0, new Cache(1, 2)));
        assertThat(reply.info().structured().get("ok").asBoolean()).isTrue();
        assertThat(reply.parts()).singleElement().satisfies(part -> {
            assertThat(part.isText()).isTrue();
            assertThat(part.text()).isEqualTo("hi");
        });
        JsonNode sent = OpenCodeJson.mapper().readTree(stub.requests().get(0).body());
        assertThat(sent.at("/parts/0/type").asText()).isEqualTo("text");
        assertThat(sent.at("/parts/0/text").asText()).isEqualTo("say hi");
        assertThat(sent.at("/model/providerID").asText()).isEqualTo("mock");
        assertThat(sent.at("/model/modelID").asText()).isEqualTo("echo");
        assertThat(sent.get("agent").asText()).isEqualTo("build");
        assertThat(sent.get("system").asText()).isEqualTo("be brief");
        assertThat(sent.at("/format/type").asText()).isEqualTo("json_schema");
        assertThat(sent.has("tools")).as("null fields are omitted").isFalse();
        assertThat(sent.has("noReply")).isFalse();
    }

    @Test
    void otherEndpointsUseTheirPathsAndShapes() throws Exception {
        stub.answer("POST", "/session/ses_1/prompt_async", 204, "")
                .answer("POST", "/session/ses_1/abort", 200, "true")
                .answer("GET", "/session/ses_1/message?limit=2", 200, "[{\"info\":{\"id\":\"m\",\"role\":\"user\"},\"parts\":[]}]")
                .answer("GET", "/session/ses_1/message", 200, "[]")
                .answer("GET", "/session/status", 200,
                        "{\"ses_1\":{\"type\":\"busy\"},\"ses_2\":{\"type\":\"retry\",\"attempt\":2,\"message\":\"Rate limit reached\",\"next\":99}}")
                .answer("GET", "/permission", 200, "[{\"id\":\"per_1\",\"sessionID\":\"ses_1\",\"permission\":\"bash\","
                        + "\"patterns\":[\"ls\"],\"metadata\":{},\"always\":[\"ls *\"]}]")
                .answer("POST", "/permission/per_1/reply", 200, "true")
                .answer("GET", "/question", 200, "[{\"id\":\"que_1\",\"sessionID\":\"ses_1\",\"questions\":[{\"question\":\"Color?\","
                        + "\"header\":\"C\",\"options\":[{\"label\":\"red\",\"description\":\"r\"}]}]}]")
                .answer("POST", "/question/que_1/reply", 200, "true")
                .answer("POST", "/question/que_1/reject", 200, "true");

        client.promptAsync("ses_1", PromptRequest.text("go"));
        assertThat(client.abort("ses_1")).isTrue();
        assertThat(client.messages("ses_1", 2)).singleElement()
                .satisfies(message -> assertThat(message.info().role()).isEqualTo("user"));
        assertThat(client.messages("ses_1", null)).isEmpty();
        Map<String, SessionStatus> statuses = client.sessionStatuses();
        assertThat(statuses.get("ses_1").isBusy()).isTrue();
        assertThat(statuses.get("ses_2")).isEqualTo(new SessionStatus("retry", 2, "Rate limit reached", 99L));
        assertThat(statuses.get("ses_2").isRetry()).isTrue();
        assertThat(client.permissions()).singleElement()
                .satisfies(permission -> assertThat(permission.patterns()).containsExactly("ls"));
        assertThat(client.replyPermission("per_1", PermissionReply.REJECT, "use dir instead")).isTrue();
        assertThat(client.questions()).singleElement()
                .satisfies(question -> assertThat(question.questions().get(0).options().get(0).label()).isEqualTo("red"));
        assertThat(client.replyQuestion("que_1", List.of(List.of("red")))).isTrue();
        assertThat(client.rejectQuestion("que_1")).isTrue();

        assertThat(stub.requests()).extracting(request -> request.method() + " " + request.path()).containsExactly(
                "POST /session/ses_1/prompt_async", "POST /session/ses_1/abort", "GET /session/ses_1/message?limit=2",
                "GET /session/ses_1/message", "GET /session/status", "GET /permission", "POST /permission/per_1/reply",
                "GET /question", "POST /question/que_1/reply", "POST /question/que_1/reject");
        assertThat(stub.requests().get(6).body()).isEqualTo("{\"reply\":\"reject\",\"message\":\"use dir instead\"}");
        assertThat(stub.requests().get(8).body()).isEqualTo("{\"answers\":[[\"red\"]]}");
    }

    @Test
    void aDirectoryViewNamesItsDirectoryOnEveryCallButGlobalOnes() {
        String query = "directory=%2Ftmp%2Fmy%20repo";
        stub.answer("POST", "/session?" + query, 200, "{\"id\":\"ses_1\",\"directory\":\"/tmp/my repo\"}")
                .answer("POST", "/session/ses_1/prompt_async?" + query, 204, "")
                .answer("GET", "/session/ses_1/message?limit=2&" + query, 200, "[]")
                .answer("GET", "/session/status?" + query, 200, "{}")
                .answer("GET", "/permission?" + query, 200, "[]")
                .answer("GET", "/question?" + query, 200, "[]")
                .answer("POST", "/session/ses_1/abort?" + query, 200, "true")
                .answer("POST", "/session/ses_1/fork?" + query, 200, "{\"id\":\"ses_2\"}")
                .answer("DELETE", "/session/ses_1?" + query, 200, "true")
                .answer("GET", "/global/health", 200, "{\"healthy\":true,\"version\":\"1.18.33\"}");
        OpenCodeClient view = client.inDirectory(java.nio.file.Path.of("/tmp/my repo"));

        assertThat(view.createSession("t").directory()).isEqualTo("/tmp/my repo");
        view.promptAsync("ses_1", PromptRequest.text("go"));
        assertThat(view.messages("ses_1", 2)).isEmpty();
        assertThat(view.sessionStatuses()).isEmpty();
        assertThat(view.permissions()).isEmpty();
        assertThat(view.questions()).isEmpty();
        assertThat(view.abort("ses_1")).isTrue();
        assertThat(view.forkSession("ses_1").id()).isEqualTo("ses_2");
        assertThat(view.deleteSession("ses_1")).isTrue();
        assertThat(view.health().healthy()).isTrue();

        assertThat(stub.requests()).extracting(StubServer.Recorded::path).containsExactly("/session?" + query,
                "/session/ses_1/prompt_async?" + query, "/session/ses_1/message?limit=2&" + query, "/session/status?" + query,
                "/permission?" + query, "/question?" + query, "/session/ses_1/abort?" + query, "/session/ses_1/fork?" + query,
                "/session/ses_1?" + query, "/global/health");
        assertThat(view.directory()).contains(java.nio.file.Path.of("/tmp/my repo"));
        assertThat(client.inDirectory(null)).isSameAs(client);
        assertThat(view.inDirectory(null)).isSameAs(client);
        assertThatThrownBy(() -> client.inDirectory(java.nio.file.Path.of("relative")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("absolute");
    }

    @Test
    void aCommandIsSentWithoutWaitingForItsTurn() throws Exception {
        stub.answer("POST", "/session/ses_1/command", 200, "{\"info\":{\"id\":\"msg_1\",\"role\":\"assistant\"},\"parts\":[]}")
                .answer("POST", "/session/ses_9/command", 404, "{\"name\":\"NotFoundError\",\"data\":{\"message\":\"no session\"}}");

        MessageWithParts answer = client.commandAsync("ses_1", new CommandRequest("review", "src", null, "mock/echo", null),
                Duration.ofSeconds(5)).get(5, java.util.concurrent.TimeUnit.SECONDS);

        assertThat(answer.info().id()).isEqualTo("msg_1");
        assertThat(stub.requests().get(0).body()).isEqualTo("{\"command\":\"review\",\"arguments\":\"src\",\"model\":\"mock/echo\"}");
        assertThat(client.commandAsync("ses_9", new CommandRequest("review", null, null, null, null), Duration.ofSeconds(5)))
                .failsWithin(Duration.ofSeconds(5)).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .havingCause().isInstanceOfSatisfying(OpenCodeApiException.class, error -> assertThat(error.statusCode()).isEqualTo(404));
    }

    @Test
    void unauthorizedBecomesAuthenticationExceptionWithoutThePassword() {
        stub.answer("GET", "/global/health", 401, "Unauthorized");

        OpenCodeAuthenticationException error = catchThrowableOfType(OpenCodeAuthenticationException.class, client::health);

        assertThat(error.statusCode()).isEqualTo(401);
        assertThat(error.getMessage()).contains("GET /global/health").contains("401").doesNotContain(PASSWORD);
        assertThat(client.toString()).doesNotContain(PASSWORD);
        assertThat(client.endpoint().toString()).doesNotContain(PASSWORD).contains("alice");
    }

    @Test
    void forbiddenIsAnAuthenticationErrorToo() {
        stub.answer("POST", "/session", 403, "{\"name\":\"Forbidden\",\"data\":{\"message\":\"no\"}}");

        assertThatThrownBy(() -> client.createSession("t"))
                .isInstanceOf(OpenCodeAuthenticationException.class)
                .hasMessageContaining("POST /session");
    }

    @Test
    void notFoundErrorIsParsed() {
        stub.answer("GET", "/session/ses_x/message", 404,
                "{\"name\":\"NotFoundError\",\"data\":{\"message\":\"Session not found: ses_x\"}}");

        OpenCodeApiException error = catchThrowableOfType(OpenCodeApiException.class, () -> client.messages("ses_x", null));

        assertThat(error).isNotInstanceOf(OpenCodeAuthenticationException.class);
        assertThat(error.statusCode()).isEqualTo(404);
        assertThat(error.errorName()).isEqualTo("NotFoundError");
        assertThat(error.errorMessage()).isEqualTo("Session not found: ses_x");
        assertThat(error.getMessage()).contains("GET /session/ses_x/message");
    }

    @Test
    void nonJsonErrorBodyFallsBackToAShortExcerpt() {
        stub.answer("GET", "/session/status", 500, "<html>" + "x".repeat(1000) + "</html>");

        OpenCodeApiException error = catchThrowableOfType(OpenCodeApiException.class, client::sessionStatuses);

        assertThat(error.statusCode()).isEqualTo(500);
        assertThat(error.errorName()).isNull();
        assertThat(error.errorMessage()).startsWith("<html>xxx").hasSizeLessThanOrEqualTo(210);
    }

    @Test
    void garbageSuccessBodyIsAProtocolError() {
        stub.answer("GET", "/global/health", 200, "<html>not json at all " + "y".repeat(500));

        OpenCodeProtocolException error = catchThrowableOfType(OpenCodeProtocolException.class, client::health);

        assertThat(error.getMessage()).contains("GET /global/health").contains("<html>not json")
                .hasSizeLessThan(400).doesNotContain(PASSWORD);
    }

    @Test
    void wrongShapeSuccessBodyIsAProtocolError() {
        stub.answer("GET", "/permission", 200, "{\"not\":\"a list\"}");

        assertThatThrownBy(client::permissions).isInstanceOf(OpenCodeProtocolException.class)
                .hasMessageContaining("GET /permission");
    }

    @Test
    void connectionRefusedIsAConnectionError() throws Exception {
        int freePort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            freePort = socket.getLocalPort();
        }
        try (OpenCodeClient unreachable = new OpenCodeClient(
                ServerEndpoint.of("http://127.0.0.1:" + freePort, "opencode", PASSWORD), ClientOptions.defaults())) {

            OpenCodeConnectionException error = catchThrowableOfType(OpenCodeConnectionException.class, unreachable::health);

            assertThat(error.isTimeout()).isFalse();
            assertThat(error.getMessage()).contains("GET /global/health").doesNotContain(PASSWORD);
        }
    }

    @Test
    void slowAnswerTimesOut() {
        stub.answerSlowly("POST", "/session/ses_1/message", 3000);

        OpenCodeConnectionException error = catchThrowableOfType(OpenCodeConnectionException.class,
                () -> client.prompt("ses_1", PromptRequest.text("x"), Duration.ofMillis(200)));

        assertThat(error.isTimeout()).isTrue();
        assertThat(error.getMessage()).contains("POST /session/ses_1/message").doesNotContain(PASSWORD);
    }

    @Test
    void eventStreamIsSharedAndClosedWithTheClient() {
        EventStream first = client.eventStream();
        EventStream second = client.eventStream();

        assertThat(first).isSameAs(second);
        client.close();
        assertThatThrownBy(client::eventStream).isInstanceOf(IllegalStateException.class);
    }
}
