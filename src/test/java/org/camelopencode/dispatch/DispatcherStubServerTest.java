package org.camelopencode.dispatch;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.camelopencode.client.ClientOptions;
import org.camelopencode.client.OpenCodeClient;
import org.camelopencode.client.ServerEndpoint;
import org.camelopencode.dispatch.OpenCodeApiStub.StubSession;
import org.camelopencode.failure.FailureKind;
import org.camelopencode.failure.OpenCodeFailureException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The dispatcher against a stub of the OpenCode API, for the turns the real server cannot be made
 * to produce on demand: late final messages, lost events, stream drops, missed permission
 * requests, garbage answers, a vanished server, deadlines, external aborts and a thousand
 * concurrent attempts.
 */
class DispatcherStubServerTest {

    private static final Duration POLL = Duration.ofMillis(300);
    private static final Duration SETTLE = Duration.ofSeconds(1);
    private static final Duration SERVER_LOST = Duration.ofMillis(1500);
    private static final Duration TASK_TIMEOUT = Duration.ofSeconds(30);

    private OpenCodeApiStub stub;
    private OpenCodeClient client;
    private Dispatcher dispatcher;

    @BeforeEach
    void startStub() throws Exception {
        stub = new OpenCodeApiStub();
        client = new OpenCodeClient(ServerEndpoint.of(stub.url(), null, null),
                new ClientOptions(Duration.ofSeconds(2), Duration.ofSeconds(5)));
    }

    @AfterEach
    void stopAll() {
        if (dispatcher != null) {
            dispatcher.close();
        }
        client.close();
        stub.close();
    }

    private Dispatcher dispatcher(Duration pollInterval) {
        dispatcher = new Dispatcher(client, new DispatchOptions(pollInterval, SETTLE, SERVER_LOST, 8));
        await().atMost(Duration.ofSeconds(5)).until(() -> stub.openEventStreams() == 1);
        return dispatcher;
    }

    /** Dispatches and waits until the stub has seen the prompt. */
    private CompletableFuture<DispatchResult> dispatchAndAwaitPrompt(Dispatcher running, DispatchRequest request) {
        CompletableFuture<DispatchResult> future = running.dispatch(request);
        await().atMost(Duration.ofSeconds(5)).until(() -> stub.sessionCount() == 1 && stub.onlySession().prompts.get() == 1);
        return future;
    }

    /** Dispatches with a poll interval longer than any test: only events (and settle re-checks) move the gate. */
    private CompletableFuture<DispatchResult> dispatchWithoutSafetyPoll() {
        return dispatchAndAwaitPrompt(dispatcher(Duration.ofSeconds(60)), DispatchRequest.of("do it", TASK_TIMEOUT));
    }

    /** The server lists the session idle with the user message and a completed reply of this text. */
    private static void replyOnServer(StubSession session, String text) {
        session.idleWith(OpenCodeApiStub.userMessage(session.id), OpenCodeApiStub.assistantMessage(session.id, text, null));
    }

    private static OpenCodeFailureException failureOf(CompletableFuture<DispatchResult> future) {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> future.get(10, SECONDS));
        assertThat(thrown).isInstanceOf(ExecutionException.class);
        assertThat(thrown.getCause()).isInstanceOf(OpenCodeFailureException.class);
        return (OpenCodeFailureException) thrown.getCause();
    }

    @Test
    void idleBeforeTheFinalMessageIsCompletedWaitsForIt() throws Exception {
        CompletableFuture<DispatchResult> future = dispatchWithoutSafetyPoll();
        StubSession session = stub.onlySession();
        session.idleWith(OpenCodeApiStub.userMessage(session.id),
                OpenCodeApiStub.assistantMessage(session.id, "half", "incomplete"));
        stub.pushEvent(OpenCodeApiStub.sessionIdle(session.id));
        // The gate has looked at the incomplete message at least twice and kept waiting.
        await().atMost(Duration.ofSeconds(5)).until(() -> session.messageReads.get() >= 2);
        assertThat(future).isNotDone();

        session.idleWith(OpenCodeApiStub.userMessage(session.id),
                OpenCodeApiStub.assistantMessage(session.id, "the final text", null));

        DispatchResult result = future.get(10, SECONDS);
        assertThat(result.text()).isEqualTo("the final text");
        assertThat(result.sessionId()).isEqualTo(session.id);
        assertThat(result.model()).isEqualTo("stub/echo");
        assertThat(result.tokens().input()).isEqualTo(10);
        assertThat(session.aborts.get()).isZero();
    }

    @Test
    void anIdleEventIsTrustedSoTheResultNeedsOnlyTheMessagesRead() throws Exception {
        CompletableFuture<DispatchResult> future = dispatchWithoutSafetyPoll();
        StubSession session = stub.onlySession();
        int statusReadsBefore = stub.statusReads();
        replyOnServer(session, "done");
        stub.pushEvent(OpenCodeApiStub.sessionIdle(session.id));

        assertThat(future.get(10, SECONDS).text()).isEqualTo("done");
        // One round trip between the turn's end and the result: the event already said the session is idle.
        assertThat(stub.statusReads()).isEqualTo(statusReadsBefore);
        assertThat(session.messageReads.get()).isEqualTo(1);
    }

    @Test
    void theFinalMessageUpdatedAfterIdleIsJudgedAtOnce() throws Exception {
        CompletableFuture<DispatchResult> future = dispatchWithoutSafetyPoll();
        StubSession session = stub.onlySession();
        session.idleWith(OpenCodeApiStub.userMessage(session.id), OpenCodeApiStub.assistantMessage(session.id, "half", "incomplete"));
        stub.pushEvent(OpenCodeApiStub.sessionIdle(session.id));
        await().atMost(Duration.ofSeconds(5)).until(() -> session.messageReads.get() >= 1);

        // From now on GET /session/status says busy: only the message.updated event can end the wait.
        session.status = "busy";
        session.messagesJson = "[" + OpenCodeApiStub.userMessage(session.id) + ","
                + OpenCodeApiStub.assistantMessage(session.id, "final", null) + "]";
        stub.pushEvent(OpenCodeApiStub.replyCompleted(session.id));

        assertThat(future.get(10, SECONDS).text()).isEqualTo("final");
    }

    @Test
    void aTurnWhoseEventsShowACompleteReplyEndsWithoutReadingTheServer() throws Exception {
        CompletableFuture<DispatchResult> future = dispatchWithoutSafetyPoll();
        StubSession session = stub.onlySession();
        int statusReadsBefore = stub.statusReads();
        replyOnServer(session, "on the server");
        stub.pushEvent(OpenCodeApiStub.replyText(session.id, "from the events"));
        stub.pushEvent(OpenCodeApiStub.replyCompleted(session.id));
        stub.pushEvent(OpenCodeApiStub.sessionIdle(session.id));

        DispatchResult result = future.get(10, SECONDS);
        assertThat(result.text()).isEqualTo("from the events");
        assertThat(result.tokens().input()).isEqualTo(10);
        assertThat(session.messageReads.get()).isZero();
        assertThat(stub.statusReads()).isEqualTo(statusReadsBefore);
    }

    @Test
    void aReplyTheEventsShowAsFailedIsJudgedOnTheServersMessages() throws Exception {
        CompletableFuture<DispatchResult> future = dispatchWithoutSafetyPoll();
        StubSession session = stub.onlySession();
        replyOnServer(session, "the server's text");
        // The events show the reply completed but no text part: a failure is never decided on events alone.
        stub.pushEvent(OpenCodeApiStub.replyCompleted(session.id));
        stub.pushEvent(OpenCodeApiStub.sessionIdle(session.id));

        assertThat(future.get(10, SECONDS).text()).isEqualTo("the server's text");
        assertThat(session.messageReads.get()).isEqualTo(1);
    }

    @Test
    void afterTheEventStreamDroppedTheRepliesAreReadFromTheServer() throws Exception {
        CompletableFuture<DispatchResult> future = dispatchWithoutSafetyPoll();
        StubSession session = stub.onlySession();
        stub.dropEventStreams();
        await().atMost(Duration.ofSeconds(10)).until(() -> stub.eventConnections() >= 2 && stub.openEventStreams() == 1);
        replyOnServer(session, "read");
        stub.pushEvent(OpenCodeApiStub.replyText(session.id, "maybe partial"));
        stub.pushEvent(OpenCodeApiStub.replyCompleted(session.id));
        stub.pushEvent(OpenCodeApiStub.sessionIdle(session.id));

        assertThat(future.get(10, SECONDS).text()).isEqualTo("read");
    }

    @Test
    void anIdleEventWithoutAReplyYetIsCheckedAgainstTheServersStatus() throws Exception {
        CompletableFuture<DispatchResult> future = dispatchWithoutSafetyPoll();
        StubSession session = stub.onlySession();
        session.busy();
        // A stale idle (the server still says busy, no reply yet): the settle re-check asks GET /session/status.
        stub.pushEvent(OpenCodeApiStub.sessionIdle(session.id));
        await().atMost(Duration.ofSeconds(5)).until(() -> stub.statusReads() >= 1 && session.messageReads.get() >= 1);
        assertThat(future).isNotDone();

        replyOnServer(session, "later");
        stub.pushEvent(OpenCodeApiStub.sessionIdle(session.id));
        assertThat(future.get(10, SECONDS).text()).isEqualTo("later");
        assertThat(session.aborts.get()).isZero();
    }

    @Test
    void lostEventsAreCaughtByTheSafetyPoll() throws Exception {
        CompletableFuture<DispatchResult> future = dispatchAndAwaitPrompt(dispatcher(POLL),
                DispatchRequest.of("do it", TASK_TIMEOUT));
        StubSession session = stub.onlySession();
        // The turn ends on the server but no event frame is ever sent.
        session.idleWith(OpenCodeApiStub.userMessage(session.id),
                OpenCodeApiStub.assistantMessage(session.id, "done quietly", null));

        DispatchResult result = future.get(10, SECONDS);
        assertThat(result.text()).isEqualTo("done quietly");
        assertThat(stub.statusReads()).isPositive();
        assertThat(stub.eventConnections()).isEqualTo(1);
    }

    @Test
    void aReconnectOfTheEventStreamReSyncsWithoutWaitingForThePoll() throws Exception {
        Duration longPoll = Duration.ofSeconds(60);
        CompletableFuture<DispatchResult> future = dispatchAndAwaitPrompt(dispatcher(longPoll),
                DispatchRequest.of("do it", TASK_TIMEOUT));
        StubSession session = stub.onlySession();

        stub.refuseEventStreams(true);
        int questionReadsBefore = stub.questionReads();
        stub.dropEventStreams();
        // The disconnect makes the run look once: still busy (it checks pending requests).
        await().atMost(Duration.ofSeconds(5)).until(() -> stub.questionReads() > questionReadsBefore);
        // The turn ends while the stream is down: its session.idle is lost for good.
        session.idleWith(OpenCodeApiStub.userMessage(session.id),
                OpenCodeApiStub.assistantMessage(session.id, "ended while disconnected", null));
        assertThat(future).isNotDone();
        long reconnectAllowedNanos = System.nanoTime();
        stub.refuseEventStreams(false);

        DispatchResult result = future.get(10, SECONDS);
        assertThat(result.text()).isEqualTo("ended while disconnected");
        assertThat(Duration.ofNanos(System.nanoTime() - reconnectAllowedNanos)).isLessThan(Duration.ofSeconds(15));
        assertThat(stub.eventConnections()).isEqualTo(2);
    }

    @Test
    void aMissedPermissionRequestIsFoundByThePollAndTheSessionAborted() {
        stub.permissions("[{\"id\":\"per_1\",\"sessionID\":\"ses_stub1\",\"permission\":\"bash\",\"patterns\":[\"rm -rf build\"],"
                + "\"metadata\":{\"command\":\"rm -rf build\"},\"always\":[\"rm *\"],"
                + "\"tool\":{\"messageID\":\"msg_1\",\"callID\":\"call_1\"}}]");
        CompletableFuture<DispatchResult> future = dispatchAndAwaitPrompt(dispatcher(POLL),
                DispatchRequest.of("do it", TASK_TIMEOUT));
        StubSession session = stub.onlySession();
        assertThat(session.id).isEqualTo("ses_stub1");

        OpenCodeFailureException failure = failureOf(future);
        assertThat(failure.getKind()).isEqualTo(FailureKind.PENDING_PERMISSION);
        assertThat(failure.getSessionId()).isEqualTo("ses_stub1");
        assertThat(failure.getRequest().get("id").asText()).isEqualTo("per_1");
        assertThat(failure.getRequest().get("permission").asText()).isEqualTo("bash");
        assertThat(failure.getRequest().get("patterns").get(0).asText()).isEqualTo("rm -rf build");
        assertThat(failure.getMessage()).contains("bash").contains("rm -rf build");
        assertThat(session.aborts.get()).isEqualTo(1);
    }

    @Test
    void theTurnThatAWithdrawnRequestEndsIsNotJudgedAsTheAgentsReply() throws Exception {
        CompletableFuture<DispatchResult> future = dispatchWithoutSafetyPoll();
        StubSession session = stub.onlySession();
        // Withdrawing the request ends OpenCode's turn at once, with a tool-call step and no text...
        stub.onPermissionReply(() -> {
            session.idleWith(OpenCodeApiStub.userMessage(session.id), OpenCodeApiStub.assistantMessage(session.id, null, null));
            stub.pushEvent(OpenCodeApiStub.sessionIdle(session.id));
        });
        // ...and the abort answers late: time enough for a gate that would judge that turn to read it.
        stub.onAbort(() -> {
            try {
                await().atMost(Duration.ofSeconds(1)).until(() -> session.messageReads.get() > 0);
            } catch (org.awaitility.core.ConditionTimeoutException expected) {
                // the gate did not look at the ended turn: what this test wants
            }
        });
        stub.pushEvent("{\"id\":\"evt_ask\",\"type\":\"permission.asked\",\"properties\":{\"id\":\"per_9\",\"sessionID\":\""
                + session.id + "\",\"permission\":\"bash\",\"patterns\":[\"echo hi\"],\"metadata\":{},\"always\":[]}}");

        OpenCodeFailureException failure = failureOf(future);
        assertThat(failure.getKind()).isEqualTo(FailureKind.PENDING_PERMISSION);
        assertThat(stub.permissionReplies()).singleElement().asString().contains("reject");
        assertThat(session.messageReads.get()).isZero();
    }

    @Test
    void garbageMessagesAreProviderUnavailableWithAClearMessage() {
        CompletableFuture<DispatchResult> future = dispatchAndAwaitPrompt(dispatcher(POLL),
                DispatchRequest.of("do it", TASK_TIMEOUT));
        StubSession session = stub.onlySession();
        session.messagesRaw = "<html>502 Bad Gateway</html>";
        session.status = "idle";
        stub.pushEvent(OpenCodeApiStub.sessionIdle(session.id));

        OpenCodeFailureException failure = failureOf(future);
        assertThat(failure.getKind()).isEqualTo(FailureKind.PROVIDER_UNAVAILABLE);
        assertThat(failure.getMessage())
                .contains("GET /session/" + session.id + "/message")
                .contains("not the expected JSON")
                .contains("502 Bad Gateway");
    }

    @Test
    void messagesTheServerRefusesToShowFailAtOnceInsteadOfTimingOut() {
        CompletableFuture<DispatchResult> future = dispatchAndAwaitPrompt(dispatcher(POLL),
                DispatchRequest.of("do it", TASK_TIMEOUT));
        StubSession session = stub.onlySession();
        // What OpenCode 1.18.33 answers after a json_schema prompt it cannot encode again.
        session.messagesStatus = 400;
        session.messagesRaw = "{\"name\":\"BadRequest\",\"data\":{\"message\":\"Expected OutputFormatJsonSchema\"}}";
        session.status = "idle";
        stub.pushEvent(OpenCodeApiStub.sessionIdle(session.id));

        OpenCodeFailureException failure = failureOf(future);
        assertThat(failure.getKind()).isEqualTo(FailureKind.INVALID_TASK);
        assertThat(failure.getMessage()).contains("400").contains("Expected OutputFormatJsonSchema");
        assertThat(session.messageReads.get()).isEqualTo(1);
    }

    @Test
    void aVanishedServerFailsAfterTheServerLostTimeoutAndNotAsTimeout() {
        CompletableFuture<DispatchResult> future = dispatchAndAwaitPrompt(dispatcher(POLL),
                DispatchRequest.of("do it", TASK_TIMEOUT));
        long stoppedNanos = System.nanoTime();
        stub.close();

        OpenCodeFailureException failure = failureOf(future);
        Duration waited = Duration.ofNanos(System.nanoTime() - stoppedNanos);
        assertThat(failure.getKind()).isEqualTo(FailureKind.PROVIDER_UNAVAILABLE);
        assertThat(failure.getMessage()).contains(stub.url());
        assertThat(waited).isGreaterThanOrEqualTo(SERVER_LOST).isLessThan(TASK_TIMEOUT);
    }

    @Test
    void createSessionAnswering401IsAuthFailed() {
        stub.failCreateSession(401, "{\"name\":\"Unauthorized\",\"data\":{\"message\":\"bad credentials\"}}");
        OpenCodeFailureException failure = failureOf(dispatcher(POLL).dispatch(DispatchRequest.of("do it", TASK_TIMEOUT)));
        assertThat(failure.getKind()).isEqualTo(FailureKind.AUTH_FAILED);
        assertThat(failure.getSessionId()).isNull();
        assertThat(failure.getMessage()).contains("POST /session").contains("401");
        assertThat(stub.sessionCount()).isZero();
    }

    @Test
    void createSessionAnswering500IsProviderUnavailable() {
        stub.failCreateSession(500, "{\"name\":\"UnknownError\",\"data\":{\"message\":\"database is locked\"}}");
        OpenCodeFailureException failure = failureOf(dispatcher(POLL).dispatch(DispatchRequest.of("do it", TASK_TIMEOUT)));
        assertThat(failure.getKind()).isEqualTo(FailureKind.PROVIDER_UNAVAILABLE);
        assertThat(failure.getMessage()).contains("POST /session").contains("500");
    }

    @Test
    void theDeadlinePassingWhileBusyIsTimeoutWithOneAbort() {
        Duration deadline = Duration.ofSeconds(1);
        CompletableFuture<DispatchResult> future = dispatchAndAwaitPrompt(dispatcher(POLL), DispatchRequest.of("do it", deadline));
        StubSession session = stub.onlySession();

        OpenCodeFailureException failure = failureOf(future);
        assertThat(failure.getKind()).isEqualTo(FailureKind.TIMEOUT);
        assertThat(failure.getMessage()).contains("PT1S");
        assertThat(failure.getSessionId()).isEqualTo(session.id);
        assertThat(session.aborts.get()).isEqualTo(1);
        assertThat(dispatcher.inFlight()).isZero();
    }

    @Test
    void anAbortThatDoesNotStopTheTurnIsRepeatedABoundedNumberOfTimes() {
        CompletableFuture<DispatchResult> future = dispatchAndAwaitPrompt(dispatcher(POLL),
                DispatchRequest.of("do it", Duration.ofSeconds(1)));
        StubSession session = stub.onlySession();
        assertThat(failureOf(future).getKind()).isEqualTo(FailureKind.TIMEOUT);

        // The stub stays busy after every abort, as a turn whose loop had not started yet does:
        // the first abort and three confirmations, then no more.
        await().atMost(Duration.ofSeconds(8)).until(() -> session.aborts.get() == 4);
        await().during(Duration.ofMillis(2000)).atMost(Duration.ofSeconds(3)).until(() -> session.aborts.get() == 4);
    }

    @Test
    void anAbortThisDispatcherDidNotCauseIsAborted() {
        CompletableFuture<DispatchResult> future = dispatchAndAwaitPrompt(dispatcher(POLL),
                DispatchRequest.of("do it", TASK_TIMEOUT));
        StubSession session = stub.onlySession();
        session.idleWith(OpenCodeApiStub.userMessage(session.id), OpenCodeApiStub.assistantMessage(session.id, null,
                "{\"name\":\"MessageAbortedError\",\"data\":{\"message\":\"The operation was aborted.\"}}"));
        stub.pushEvent(OpenCodeApiStub.sessionIdle(session.id));

        OpenCodeFailureException failure = failureOf(future);
        assertThat(failure.getKind()).isEqualTo(FailureKind.ABORTED);
        assertThat(failure.getMessage()).contains("MessageAbortedError");
        assertThat(session.aborts.get()).isZero();
    }

    @Test
    void idleWithoutAnyAssistantMessageTakesTheSessionErrorAfterTheSettleTime() {
        OpenCodeFailureException failure = failWithSessionErrorOnly(
                "{\"name\":\"ProviderModelNotFoundError\",\"data\":{\"providerID\":\"stub\",\"modelID\":\"nope\","
                        + "\"message\":\"Model not found: stub/nope\"}}");
        assertThat(failure.getKind()).isEqualTo(FailureKind.AGENT_ERROR);
        assertThat(failure.getMessage()).contains("ProviderModelNotFoundError").contains("Model not found: stub/nope");
    }

    @Test
    void aSessionErrorNamingAProviderConditionIsClassifiedByIt() {
        OpenCodeFailureException failure = failWithSessionErrorOnly(
                "{\"name\":\"APIError\",\"data\":{\"message\":\"Incorrect API key provided\",\"statusCode\":401,\"isRetryable\":false}}");
        assertThat(failure.getKind()).isEqualTo(FailureKind.AUTH_FAILED);
        assertThat(failure.getMessage()).contains("401").contains("Incorrect API key provided");
    }

    private OpenCodeFailureException failWithSessionErrorOnly(String errorJson) {
        CompletableFuture<DispatchResult> future = dispatchAndAwaitPrompt(dispatcher(POLL),
                DispatchRequest.of("do it", TASK_TIMEOUT));
        StubSession session = stub.onlySession();
        long idleNanos = System.nanoTime();
        session.idleWith(OpenCodeApiStub.userMessage(session.id));
        stub.pushEvent(OpenCodeApiStub.sessionError(session.id, errorJson));
        stub.pushEvent(OpenCodeApiStub.sessionIdle(session.id));

        OpenCodeFailureException failure = failureOf(future);
        assertThat(Duration.ofNanos(System.nanoTime() - idleNanos)).isGreaterThanOrEqualTo(SETTLE);
        assertThat(failure.getSessionId()).isEqualTo(session.id);
        return failure;
    }

    @Test
    void aThousandConcurrentDispatchesCompleteOverOneEventConnection() throws Exception {
        stub.completeOnPrompt(true);
        Dispatcher running = dispatcher(POLL);
        List<CompletableFuture<DispatchResult>> futures = new ArrayList<>();
        for (int index = 0; index < 1000; index++) {
            futures.add(running.dispatch(DispatchRequest.of("task " + index, TASK_TIMEOUT)));
        }

        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(30, SECONDS);
        for (CompletableFuture<DispatchResult> future : futures) {
            DispatchResult result = future.join();
            assertThat(result.text()).isEqualTo("reply to " + result.sessionId());
        }
        assertThat(futures.stream().map(future -> future.join().sessionId()).distinct()).hasSize(1000);
        assertThat(stub.sessionCount()).isEqualTo(1000);
        assertThat(stub.eventConnections()).isEqualTo(1);
        // The dispatcher forgets a run in its own completion callback, which may run just after the caller's.
        await().atMost(Duration.ofSeconds(5)).until(() -> running.inFlight() == 0);
    }

    @Test
    void aTurnThatEndsBeforeThePromptCallReturnsLeavesNoTimerBehind() throws Exception {
        stub.completeOnPrompt(true);
        ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1);
        timers.setRemoveOnCancelPolicy(true);
        ExecutorService workers = Executors.newFixedThreadPool(4);
        try {
            client.eventStream();
            await().atMost(Duration.ofSeconds(5)).until(() -> stub.openEventStreams() == 1);
            DispatchOptions options = new DispatchOptions(POLL, SETTLE, SERVER_LOST, 4);
            List<CompletableFuture<DispatchResult>> futures = new ArrayList<>();
            for (int index = 0; index < 20; index++) {
                DispatchRun run = new DispatchRun(new RunContext("stub", client, options, timers, workers),
                        DispatchRequest.of("task " + index, TASK_TIMEOUT), RunMode.FRESH, null, AttemptListener.NONE);
                run.start();
                futures.add(run.result());
            }
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(10, SECONDS);
            // Deadline and poll of every finished run are cancelled: nothing stays scheduled.
            await().atMost(Duration.ofSeconds(5)).until(() -> timers.getQueue().isEmpty());
        } finally {
            timers.shutdownNow();
            workers.shutdownNow();
        }
    }
}
