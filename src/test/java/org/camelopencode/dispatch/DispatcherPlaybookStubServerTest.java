package org.camelopencode.dispatch;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.camelopencode.client.ClientOptions;
import org.camelopencode.client.OpenCodeClient;
import org.camelopencode.client.OpenCodeJson;
import org.camelopencode.client.ServerEndpoint;
import org.camelopencode.dispatch.OpenCodeApiStub.StubSession;
import org.camelopencode.failure.FailureKind;
import org.camelopencode.failure.OpenCodeFailureException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The dispatcher's playbook against a stub of the OpenCode API: the stricter JSON retry judges the
 * reply to the follow-up prompt (not the rejected one, which stays completed in the session), the
 * budget aborts a session mid-turn, and a rate limit's retry-after reaches the failure.
 */
class DispatcherPlaybookStubServerTest {

    private static final Duration TASK_TIMEOUT = Duration.ofSeconds(30);

    private OpenCodeApiStub stub;
    private OpenCodeClient client;
    private Dispatcher dispatcher;

    @BeforeEach
    void start() throws Exception {
        stub = new OpenCodeApiStub();
        client = new OpenCodeClient(ServerEndpoint.of(stub.url(), null, null),
                new ClientOptions(Duration.ofSeconds(2), Duration.ofSeconds(5)));
        dispatcher = new Dispatcher(client, new DispatchOptions(Duration.ofMillis(200), Duration.ofSeconds(3),
                Duration.ofSeconds(5), 4));
        await().atMost(Duration.ofSeconds(5)).until(() -> stub.openEventStreams() == 1);
    }

    @AfterEach
    void stop() {
        dispatcher.close();
        client.close();
        stub.close();
    }

    private static DispatchRequest jsonRequest(DispatchLimits limits) {
        return new DispatchRequest("give JSON", null, null, null, "playbook", true, null, TASK_TIMEOUT, null, null, 1, null,
                limits);
    }

    private StubSession dispatchAndAwaitPrompt(CompletableFuture<DispatchResult> future) {
        await().atMost(Duration.ofSeconds(5)).until(() -> stub.sessionCount() == 1 && stub.onlySession().prompts.get() == 1);
        assertThat(future).isNotDone();
        return stub.onlySession();
    }

    private static OpenCodeFailureException failureOf(CompletableFuture<DispatchResult> future) {
        Throwable thrown = catchThrowable(() -> future.get(10, SECONDS));
        assertThat(thrown).isInstanceOf(ExecutionException.class);
        assertThat(thrown.getCause()).isInstanceOf(OpenCodeFailureException.class);
        return (OpenCodeFailureException) thrown.getCause();
    }

    @Test
    void theStricterRetryJudgesTheReplyToTheFollowUpNotTheRejectedOne() throws Exception {
        CompletableFuture<DispatchResult> future = dispatcher.dispatch(jsonRequest(DispatchLimits.DEFAULTS));
        StubSession session = dispatchAndAwaitPrompt(future);
        session.ignorePrompts = true;
        String user = OpenCodeApiStub.userMessage(session.id);
        String prose = OpenCodeApiStub.assistantMessage(session.id, "msg_1_prose", "Sure! Here is what you asked for.", null);
        session.idleWith(user, prose);
        stub.pushEvent(OpenCodeApiStub.sessionIdle(session.id));

        await().atMost(Duration.ofSeconds(5)).until(() -> session.prompts.get() == 2);
        JsonNode followUp = OpenCodeJson.mapper().readTree(session.promptBodies.get(1));
        String followUpText = followUp.get("parts").get(0).get("text").asText();
        assertThat(followUpText).startsWith(Prompts.STRICTER_JSON_PREFIX).contains(Prompts.STRICTER_JSON_INSTRUCTION)
                .contains("Sure! Here is what you asked for.");
        assertThat(stub.sessionCount()).isEqualTo(1);

        // The server has not started the follow-up: the session is idle and the rejected reply is the
        // latest completed message. The gate keeps looking and neither completes nor fails on it.
        int readsBefore = session.messageReads.get();
        stub.pushEvent(OpenCodeApiStub.sessionIdle(session.id));
        await().atMost(Duration.ofSeconds(5)).until(() -> session.messageReads.get() >= readsBefore + 3);
        assertThat(future).isNotDone();

        session.idleWith(user, prose, OpenCodeApiStub.userMessage(session.id).replace("msg_user_", "msg_user2_"),
                OpenCodeApiStub.assistantMessage(session.id, "msg_2_json", "{\\\"answer\\\":42}", null));
        stub.pushEvent(OpenCodeApiStub.sessionIdle(session.id));

        DispatchResult result = future.get(10, SECONDS);
        assertThat(result.messageId()).isEqualTo("msg_2_json");
        assertThat(result.json().get("answer").asInt()).isEqualTo(42);
        assertThat(result.tokens().input()).as("both replies count").isEqualTo(20);
        assertThat(session.prompts.get()).isEqualTo(2);
        assertThat(session.aborts.get()).isZero();
    }

    @Test
    void proseAgainAfterTheStricterRetryFailsAsNotJsonSayingSo() {
        CompletableFuture<DispatchResult> future = dispatcher.dispatch(jsonRequest(DispatchLimits.DEFAULTS));
        StubSession session = dispatchAndAwaitPrompt(future);
        session.ignorePrompts = true;
        String user = OpenCodeApiStub.userMessage(session.id);
        String prose = OpenCodeApiStub.assistantMessage(session.id, "msg_1_prose", "Sure thing.", null);
        session.idleWith(user, prose);
        stub.pushEvent(OpenCodeApiStub.sessionIdle(session.id));
        await().atMost(Duration.ofSeconds(5)).until(() -> session.prompts.get() == 2);

        session.idleWith(user, prose, OpenCodeApiStub.userMessage(session.id).replace("msg_user_", "msg_user2_"),
                OpenCodeApiStub.assistantMessage(session.id, "msg_2_prose", "Still prose, sorry.", null));
        stub.pushEvent(OpenCodeApiStub.sessionIdle(session.id));

        OpenCodeFailureException failure = failureOf(future);
        assertThat(failure.getKind()).isEqualTo(FailureKind.ASSISTANT_OUTPUT_NOT_JSON);
        assertThat(failure.getMessage()).contains("Still prose, sorry.").contains("after 1 stricter JSON retry");
        assertThat(session.prompts.get()).isEqualTo(2);
    }

    @Test
    void noJsonRetriesFailsAtOnce() {
        CompletableFuture<DispatchResult> future = dispatcher.dispatch(jsonRequest(new DispatchLimits(null, null, 0)));
        StubSession session = dispatchAndAwaitPrompt(future);
        session.idleWith(OpenCodeApiStub.userMessage(session.id),
                OpenCodeApiStub.assistantMessage(session.id, "msg_1_prose", "Prose only.", null));
        stub.pushEvent(OpenCodeApiStub.sessionIdle(session.id));

        OpenCodeFailureException failure = failureOf(future);
        assertThat(failure.getKind()).isEqualTo(FailureKind.ASSISTANT_OUTPUT_NOT_JSON);
        assertThat(failure.getMessage()).doesNotContain("stricter");
        assertThat(session.prompts.get()).isEqualTo(1);
    }

    @Test
    void aStepOverTheTokenCapAbortsTheBusySession() {
        CompletableFuture<DispatchResult> future = dispatcher.dispatch(jsonRequest(new DispatchLimits(100L, null, 1)));
        StubSession session = dispatchAndAwaitPrompt(future);
        stub.pushEvent(OpenCodeApiStub.stepFinished(session.id, 60, 10, 0));
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !future.isDone());

        stub.pushEvent(OpenCodeApiStub.stepFinished(session.id, 40, 5, 0));

        OpenCodeFailureException failure = failureOf(future);
        assertThat(failure.getKind()).isEqualTo(FailureKind.BUDGET_EXCEEDED);
        assertThat(failure.getMessage()).contains("used 115 tokens").contains("maxTokens=100").contains("aborted");
        assertThat(failure.getTokens().total()).isEqualTo(115);
        assertThat(session.aborts.get()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aStepOverTheCostCapAbortsTheBusySession() {
        CompletableFuture<DispatchResult> future = dispatcher.dispatch(jsonRequest(new DispatchLimits(null, 0.10, 1)));
        StubSession session = dispatchAndAwaitPrompt(future);
        stub.pushEvent(OpenCodeApiStub.stepFinished(session.id, 1, 1, 0.25));

        OpenCodeFailureException failure = failureOf(future);
        assertThat(failure.getKind()).isEqualTo(FailureKind.BUDGET_EXCEEDED);
        assertThat(failure.getMessage()).contains("cost 0.25 USD").contains("maxCost=0.1");
        assertThat(failure.getCost()).isEqualTo(0.25);
        assertThat(session.aborts.get()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aRateLimitCarriesTheProvidersRetryAfter() {
        CompletableFuture<DispatchResult> future = dispatcher.dispatch(DispatchRequest.of("hello", TASK_TIMEOUT));
        StubSession session = dispatchAndAwaitPrompt(future);
        String error = "{\"name\":\"APIError\",\"data\":{\"message\":\"Rate limit reached for requests.\",\"statusCode\":429,"
                + "\"isRetryable\":true,\"responseHeaders\":{\"retry-after\":\"2\",\"retry-after-ms\":\"1500\"}}}";
        session.idleWith(OpenCodeApiStub.userMessage(session.id),
                OpenCodeApiStub.assistantMessage(session.id, "msg_429", null, error));
        stub.pushEvent(OpenCodeApiStub.sessionIdle(session.id));

        OpenCodeFailureException failure = failureOf(future);
        assertThat(failure.getKind()).isEqualTo(FailureKind.RATE_LIMITED);
        assertThat(failure.getRetryAfter()).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void theDeadlinePassingWhileOpenCodeRetriesIsTheProvidersConditionWithItsNextTry() {
        CompletableFuture<DispatchResult> future = dispatcher.dispatch(DispatchRequest.of("hello", Duration.ofSeconds(2)));
        StubSession session = dispatchAndAwaitPrompt(future);
        long next = System.currentTimeMillis() + 20_000;
        String retry = "{\"type\":\"retry\",\"attempt\":3,\"message\":\"Rate limit reached for requests.\",\"next\":" + next + "}";
        session.statusJson = retry;
        session.status = "retry";
        stub.pushEvent("{\"id\":\"evt_retry\",\"type\":\"session.status\",\"properties\":{\"sessionID\":\"" + session.id
                + "\",\"status\":" + retry + "}}");

        OpenCodeFailureException failure = failureOf(future);
        assertThat(failure.getKind()).isEqualTo(FailureKind.RATE_LIMITED);
        assertThat(failure.getMessage()).contains("retrying the provider (attempt 3: Rate limit reached for requests.)");
        assertThat(failure.getRetryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(20));
        assertThat(session.aborts.get()).isGreaterThanOrEqualTo(1);
    }

    /** OpenCode before 1.18 retries without end: past the 5 attempts of 1.18.33 the dispatch ends, long before its deadline. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            Rate limit reached for requests.      | RATE_LIMITED
            The server is temporarily unavailable | PROVIDER_UNAVAILABLE
            """)
    void retryingPastTheRetryLimitOfOpenCode11833EndsTheDispatchWithTheProvidersCondition(String reason, FailureKind kind) {
        CompletableFuture<DispatchResult> future = dispatcher.dispatch(DispatchRequest.of("hello", Duration.ofMinutes(10)));
        StubSession session = dispatchAndAwaitPrompt(future);
        for (int attempt = 5; attempt <= 6; attempt++) {
            String retry = "{\"type\":\"retry\",\"attempt\":" + attempt + ",\"message\":\"" + reason + "\",\"next\":"
                    + System.currentTimeMillis() + "}";
            session.statusJson = retry;
            session.status = "retry";
            stub.pushEvent("{\"id\":\"evt_retry_" + attempt + "\",\"type\":\"session.status\",\"properties\":{\"sessionID\":\""
                    + session.id + "\",\"status\":" + retry + "}}");
        }

        OpenCodeFailureException failure = failureOf(future);
        assertThat(failure.getKind()).isEqualTo(kind);
        assertThat(failure.getMessage()).isEqualTo(kind.wireName() + ": OpenCode kept retrying the provider past the 5 attempts after which 1.18.33"
                + " gives up (attempt 6: " + reason + "); the session was aborted");
        assertThat(failure.getSessionId()).isEqualTo(session.id);
        assertThat(session.aborts.get()).isGreaterThanOrEqualTo(1);
    }
}
