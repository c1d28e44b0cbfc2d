package org.camelopencode.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.camelopencode.client.Health;
import org.camelopencode.client.MessageWithParts;
import org.camelopencode.client.Session;
import org.camelopencode.client.SessionStatus;
import org.camelopencode.component.OpenCodeComponent;
import org.camelopencode.component.OpenCodeConstants;
import org.camelopencode.dispatch.CompletionGate;
import org.camelopencode.dispatch.DispatchResult;
import org.camelopencode.failure.FailureKind;
import org.camelopencode.failure.OpenCodeFailureException;
import org.camelopencode.testkit.Reply;
import org.camelopencode.testkit.RequestMatcher;
import org.camelopencode.testkit.ScriptedModelServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every operation of the {@code opencode:} component through Camel routes and a
 * {@link ProducerTemplate}, against the real server of {@link SharedOpenCode}: the synchronous
 * operations, dispatch with its result headers, routing failures by kind, and a redelivery that
 * runs in a fresh session.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ComponentOperationsIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private SharedOpenCode openCode;
    private CamelContext camel;
    private ProducerTemplate template;
    private final List<String> firstAttemptSessions = new CopyOnWriteArrayList<>();

    @BeforeAll
    void startCamel() throws Exception {
        openCode = SharedOpenCode.get();
        ScriptedModelServer model = openCode.model();
        model.when(RequestMatcher.promptContains("C-SYNC")).reply(Reply.text("sync reply"));
        model.when(RequestMatcher.promptContains("C-ASYNC")).reply(Reply.text("async reply"));
        model.when(RequestMatcher.promptContains("C-HANG")).reply(Reply.hang());
        model.when(RequestMatcher.promptContains("C-DISPATCH")).reply(Reply.text("dispatched reply"));
        model.when(RequestMatcher.promptContains("C-HEADERS")).reply(Reply.json("{\"via\": \"headers\"}"));
        model.when(RequestMatcher.promptContains("C-ROUTE-AUTH")).reply(Reply.unauthorized());
        model.when(RequestMatcher.promptContains("C-ROUTE-EMPTY")).reply(Reply.empty());
        model.when(RequestMatcher.promptContains("C-RETRY")).reply(Reply.empty(), Reply.text("ok"));

        camel = new DefaultCamelContext();
        OpenCodeComponent component = openCode.newComponent("PT60S");
        camel.addComponent("opencode", component);
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                onException(OpenCodeFailureException.class)
                        .onWhen(header(OpenCodeConstants.FAILURE_KIND).isEqualTo("auth_failed"))
                        .handled(true).to("mock:auth");
                onException(OpenCodeFailureException.class).handled(true).to("mock:other");
                from("direct:routed").to("opencode:dispatch").to("mock:ok");
            }
        });
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                onException(OpenCodeFailureException.class).maximumRedeliveries(1).redeliveryDelay(0)
                        .onRedelivery(exchange -> firstAttemptSessions.add(
                                exchange.getProperty(Exchange.EXCEPTION_CAUGHT, OpenCodeFailureException.class).getSessionId()));
                from("direct:retried").to("opencode:dispatch").to("mock:retried");
            }
        });
        camel.start();
        template = camel.createProducerTemplate();
    }

    @AfterAll
    void stopCamel() {
        if (camel != null) {
            camel.stop();
        }
    }

    private long requestsContaining(String marker) {
        return openCode.model().scriptedRequests().stream().filter(request -> request.latestUserText().contains(marker)).count();
    }

    private String newSession(String title) {
        Exchange created = template.request("opencode:createSession", exchange -> exchange.getMessage().setBody(title));
        assertThat(created.getException()).isNull();
        return created.getMessage().getHeader(OpenCodeConstants.SESSION_ID, String.class);
    }

    @Test
    void healthReportsTheServerVersion() {
        Health health = template.requestBody("opencode:health", null, Health.class);
        assertThat(health.healthy()).isTrue();
        assertThat(health.version()).isEqualTo(openCode.server().version());
    }

    @Test
    void createSessionSetsTheSessionHeaderAndReturnsTheSession() {
        Exchange created = template.request("opencode:createSession", exchange -> exchange.getMessage().setBody("component it"));
        String sessionId = created.getMessage().getHeader(OpenCodeConstants.SESSION_ID, String.class);
        assertThat(sessionId).startsWith("ses_");
        Session session = created.getMessage().getBody(Session.class);
        assertThat(session.id()).isEqualTo(sessionId);
        assertThat(session.title()).isEqualTo("component it");
    }

    @Test
    void theOperationHeaderOverridesTheUri() {
        Exchange overridden = template.request("opencode:health", exchange -> {
            exchange.getMessage().setHeader(OpenCodeConstants.OPERATION, "createSession");
            exchange.getMessage().setBody("overridden");
        });
        assertThat(overridden.getMessage().getBody()).isInstanceOf(Session.class);
        assertThat(overridden.getMessage().getHeader(OpenCodeConstants.SESSION_ID, String.class)).startsWith("ses_");
    }

    @Test
    void promptAnswersSynchronouslyWithTheReplyInTheParts() {
        String sessionId = newSession("sync");
        MessageWithParts reply = template.requestBodyAndHeader("opencode:prompt", "C-SYNC say it", OpenCodeConstants.SESSION_ID,
                sessionId, MessageWithParts.class);
        assertThat(reply.info().isAssistant()).isTrue();
        assertThat(reply.info().sessionId()).isEqualTo(sessionId);
        assertThat(CompletionGate.textOf(reply)).isEqualTo("sync reply");
    }

    @Test
    void promptAsyncThenStatusAndMessagesShowTheReply() {
        String sessionId = newSession("async");
        Object body = template.requestBodyAndHeader("opencode:promptAsync", "C-ASYNC go", OpenCodeConstants.SESSION_ID, sessionId);
        assertThat(body).isEqualTo("C-ASYNC go");

        await().atMost(WAIT).until(() -> {
            @SuppressWarnings("unchecked")
            List<MessageWithParts> messages = template.requestBodyAndHeader("opencode:messages", null,
                    OpenCodeConstants.SESSION_ID, sessionId, List.class);
            return CompletionGate.latestAssistant(messages)
                    .filter(message -> message.info().isCompleted())
                    .map(CompletionGate::textOf)
                    .filter("async reply"::equals)
                    .isPresent();
        });
        await().atMost(WAIT).until(() -> template.requestBodyAndHeader("opencode:status", null, OpenCodeConstants.SESSION_ID,
                sessionId, SessionStatus.class).isIdle());
        assertThat(template.requestBody("opencode:status", (Object) null, Object.class)).isInstanceOf(Map.class);
    }

    @Test
    void abortEndsARunningTurn() {
        String sessionId = newSession("abort");
        template.requestBodyAndHeader("opencode:promptAsync", "C-HANG wait", OpenCodeConstants.SESSION_ID, sessionId);
        await().atMost(WAIT).until(() -> template.requestBodyAndHeader("opencode:status", null, OpenCodeConstants.SESSION_ID,
                sessionId, SessionStatus.class).isBusy());

        Boolean aborted = template.requestBodyAndHeader("opencode:abort", null, OpenCodeConstants.SESSION_ID, sessionId, Boolean.class);

        assertThat(aborted).isTrue();
        await().atMost(WAIT).until(() -> template.requestBodyAndHeader("opencode:status", null, OpenCodeConstants.SESSION_ID,
                sessionId, SessionStatus.class).isIdle());
        @SuppressWarnings("unchecked")
        List<MessageWithParts> messages = template.requestBodyAndHeader("opencode:messages", null, OpenCodeConstants.SESSION_ID,
                sessionId, List.class);
        assertThat(CompletionGate.latestAssistant(messages).orElseThrow().info().error().name()).isEqualTo("MessageAbortedError");
    }

    @Test
    void dispatchOfAStringBodySetsTheResultHeaders() {
        Exchange done = template.request("opencode:dispatch", exchange -> exchange.getMessage().setBody("C-DISPATCH go"));
        assertThat(done.getException()).isNull();
        DispatchResult result = done.getMessage().getBody(DispatchResult.class);
        assertThat(result.text()).isEqualTo("dispatched reply");
        assertThat(done.getMessage().getHeader(OpenCodeConstants.SESSION_ID, String.class)).isEqualTo(result.sessionId()).startsWith("ses_");
        assertThat(done.getMessage().getHeader(OpenCodeConstants.TOKENS_INPUT, Long.class)).isPositive();
        assertThat(done.getMessage().getHeader(OpenCodeConstants.MODEL, String.class)).isEqualTo(SharedOpenCode.MODEL);
        assertThat(done.getMessage().getHeader(OpenCodeConstants.ATTEMPT, Integer.class)).isEqualTo(1);
        assertThat(done.getMessage().getHeader(OpenCodeConstants.FINISH, String.class)).isEqualTo("stop");
    }

    @Test
    void dispatchTakesModelExpectAndTimeoutFromHeaders() {
        Exchange done = template.request("opencode:dispatch", exchange -> {
            exchange.getMessage().setBody("C-HEADERS answer in JSON");
            exchange.getMessage().setHeader(OpenCodeConstants.MODEL, "scripted/fallback");
            exchange.getMessage().setHeader(OpenCodeConstants.EXPECT, "json");
            exchange.getMessage().setHeader(OpenCodeConstants.TIMEOUT, "PT45S");
        });
        assertThat(done.getException()).isNull();
        DispatchResult result = done.getMessage().getBody(DispatchResult.class);
        assertThat(result.json().get("via").asText()).isEqualTo("headers");
        assertThat(done.getMessage().getHeader(OpenCodeConstants.MODEL, String.class)).isEqualTo("scripted/fallback");
        assertThat(openCode.model().scriptedRequests()).anyMatch(request -> request.latestUserText().contains("C-HEADERS")
                && request.model().equals("fallback"));
    }

    @Test
    void dispatchOfAnEmptyBodyIsInvalidWithoutContactingTheServer() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closedPort = socket.getLocalPort();
        }
        // A server that does not exist: any contact would fail as provider_unavailable instead.
        Exchange failed = template.request("opencode:dispatch?serverUrl=http://127.0.0.1:" + closedPort,
                exchange -> exchange.getMessage().setBody("   "));
        assertThat(failed.getException()).isInstanceOf(OpenCodeFailureException.class);
        assertThat(((OpenCodeFailureException) failed.getException()).getKind()).isEqualTo(FailureKind.INVALID_TASK);
        assertThat(failed.getMessage().getHeader(OpenCodeConstants.FAILURE_KIND)).isEqualTo("invalid_task");
    }

    @Test
    void failuresAreRoutedByKind() throws Exception {
        MockEndpoint auth = camel.getEndpoint("mock:auth", MockEndpoint.class);
        MockEndpoint other = camel.getEndpoint("mock:other", MockEndpoint.class);
        MockEndpoint ok = camel.getEndpoint("mock:ok", MockEndpoint.class);
        auth.expectedMessageCount(1);
        auth.expectedHeaderReceived(OpenCodeConstants.FAILURE_KIND, "auth_failed");
        other.expectedMessageCount(1);
        other.expectedHeaderReceived(OpenCodeConstants.FAILURE_KIND, "assistant_output_missing_text_part");
        ok.expectedMessageCount(0);

        template.sendBody("direct:routed", "C-ROUTE-AUTH anything");
        template.sendBody("direct:routed", "C-ROUTE-EMPTY anything");

        MockEndpoint.assertIsSatisfied(camel, 60, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(auth.getExchanges().get(0).getMessage().getBody(String.class)).contains("C-ROUTE-AUTH");
        assertThat(other.getExchanges().get(0).getMessage().getBody(String.class)).contains("C-ROUTE-EMPTY");
    }

    @Test
    void aRedeliveryRunsAsAttemptTwoInANewSession() throws Exception {
        MockEndpoint retried = camel.getEndpoint("mock:retried", MockEndpoint.class);
        retried.expectedMessageCount(1);

        Exchange done = template.send("direct:retried", exchange -> exchange.getMessage().setBody("C-RETRY answer"));

        retried.assertIsSatisfied(60_000);
        assertThat(done.getException()).isNull();
        DispatchResult result = done.getMessage().getBody(DispatchResult.class);
        assertThat(result.text()).isEqualTo("ok");
        assertThat(done.getMessage().getHeader(OpenCodeConstants.ATTEMPT, Integer.class)).isEqualTo(2);
        assertThat(firstAttemptSessions).hasSize(1);
        assertThat(firstAttemptSessions.get(0)).startsWith("ses_").isNotEqualTo(result.sessionId());
        assertThat(requestsContaining("C-RETRY")).isEqualTo(2);
    }
}
