package org.camelopencode.dispatch;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.camelopencode.client.ClientOptions;
import org.camelopencode.client.OpenCodeClient;
import org.camelopencode.client.ServerEndpoint;
import org.camelopencode.dispatch.OpenCodeApiStub.StubSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The attempt listener against a stub of the OpenCode API: told the new session before the prompt, never a re-attached one. */
class DispatcherAttemptListenerStubServerTest {

    private static final Duration TASK_TIMEOUT = Duration.ofSeconds(30);

    private OpenCodeApiStub stub;
    private OpenCodeClient client;
    private Dispatcher dispatcher;

    /** What the listener was told: "server session prompts-the-stub-had-seen". */
    private final List<String> told = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        stub = new OpenCodeApiStub();
        client = new OpenCodeClient(ServerEndpoint.of(stub.url(), null, null),
                new ClientOptions(Duration.ofSeconds(2), Duration.ofSeconds(5)));
        dispatcher = new Dispatcher("instance-2", client, new DispatchOptions(Duration.ofMillis(200), Duration.ofSeconds(2),
                Duration.ofSeconds(5), 4));
        await().atMost(Duration.ofSeconds(5)).until(() -> stub.openEventStreams() == 1);
    }

    @AfterEach
    void stop() {
        dispatcher.close();
        client.close();
        stub.close();
    }

    private AttemptListener recording() {
        return new AttemptListener() {
            @Override
            public void sessionCreated(String server, String sessionId) {
                told.add(server + " " + sessionId + " " + stub.onlySession().prompts.get());
            }
        };
    }

    private static void replyOnServer(StubSession session) {
        session.idleWith(OpenCodeApiStub.userMessage(session.id), OpenCodeApiStub.assistantMessage(session.id, "done", null));
    }

    @Test
    void aNewSessionIsToldWithTheServersNameBeforeItsPrompt() throws Exception {
        CompletableFuture<DispatchResult> future = dispatcher.dispatch(DispatchRequest.of("do it", TASK_TIMEOUT), recording());
        await().atMost(Duration.ofSeconds(5)).until(() -> stub.sessionCount() == 1 && stub.onlySession().prompts.get() == 1);
        StubSession session = stub.onlySession();
        replyOnServer(session);
        stub.pushEvent(OpenCodeApiStub.sessionIdle(session.id));

        assertThat(future.get(10, SECONDS).text()).isEqualTo("done");
        assertThat(told).containsExactly("instance-2 " + session.id + " 0");
    }

    @Test
    void aListenerThatThrowsDoesNotStopTheAttempt() throws Exception {
        CompletableFuture<DispatchResult> future = dispatcher.dispatch(DispatchRequest.of("do it", TASK_TIMEOUT),
                new AttemptListener() {
                    @Override
                    public void sessionCreated(String server, String sessionId) {
                        throw new IllegalStateException("the ledger is down");
                    }
                });
        await().atMost(Duration.ofSeconds(5)).until(() -> stub.sessionCount() == 1 && stub.onlySession().prompts.get() == 1);
        replyOnServer(stub.onlySession());
        stub.pushEvent(OpenCodeApiStub.sessionIdle(stub.onlySession().id));

        assertThat(future.get(10, SECONDS).text()).isEqualTo("done");
    }

    @Test
    void aReattachedSessionIsNeverToldAndNeverPrompted() throws Exception {
        String sessionId = client.createSession("started by a runner that died").id();
        StubSession session = stub.onlySession();
        replyOnServer(session);

        DispatchResult result = dispatcher.attach(DispatchRequest.of("do it", TASK_TIMEOUT), sessionId, recording()).get(10, SECONDS);

        assertThat(result.text()).isEqualTo("done");
        assertThat(told).isEmpty();
        assertThat(session.prompts.get()).isZero();
    }

    @Test
    void aReattachedSessionWithoutAnyMessageIsPromptedOnceInThatSessionAndNeverTold() throws Exception {
        String sessionId = client.createSession("recorded by a runner that died before its prompt").id();
        StubSession session = stub.onlySession();

        CompletableFuture<DispatchResult> future = dispatcher.attach(DispatchRequest.of("do it", TASK_TIMEOUT), sessionId, recording());
        await().atMost(Duration.ofSeconds(5)).until(() -> session.prompts.get() == 1);
        replyOnServer(session);
        stub.pushEvent(OpenCodeApiStub.sessionIdle(session.id));

        DispatchResult result = future.get(10, SECONDS);
        assertThat(result.text()).isEqualTo("done");
        assertThat(result.sessionId()).isEqualTo(sessionId);
        assertThat(stub.sessionCount()).isEqualTo(1);
        assertThat(session.prompts.get()).isEqualTo(1);
        assertThat(session.promptBodies.get(0)).contains("do it");
        assertThat(told).isEmpty();
    }

    /** The earlier turn of a continued session: "earlier" and its reply, msg_a2. */
    private static String[] earlierTurn(String sessionId) {
        return new String[] {OpenCodeApiStub.userMessage(sessionId, "msg_a1", "earlier"),
                OpenCodeApiStub.assistantMessage(sessionId, "msg_a2", "earlier reply", null)};
    }

    /** A session that already had a turn: "earlier" and its reply. */
    private StubSession sessionWithAnEarlierTurn() {
        String sessionId = client.createSession("a session with an earlier turn").id();
        StubSession session = stub.onlySession();
        session.idleWith(earlierTurn(sessionId));
        return session;
    }

    private static void newTurnRepliedOnServer(StubSession session) {
        String[] earlier = earlierTurn(session.id);
        session.idleWith(earlier[0], earlier[1], OpenCodeApiStub.userMessage(session.id, "msg_b1", "do it"),
                OpenCodeApiStub.assistantMessage(session.id, "msg_b2", "done", null));
    }

    private static DispatchRequest continuing(String sessionId) {
        return DispatchRequest.of("do it", TASK_TIMEOUT).withTurn(new TurnStart(sessionId, false, null, null, List.of()));
    }

    /** @return the continued request as a re-attach sees it: judged only after the earlier turn's reply */
    private static DispatchRequest reattachedAfterTheEarlierTurn(String sessionId) {
        DispatchRequest continued = continuing(sessionId);
        return continued.withTurn(continued.turn().judgingAfter("msg_a2"));
    }

    @Test
    void aContinuedSessionIsToldWithTheNewestMessageBeforeItsPrompt() throws Exception {
        StubSession session = sessionWithAnEarlierTurn();
        List<String> judgedAfter = new CopyOnWriteArrayList<>();
        CompletableFuture<DispatchResult> future = dispatcher.dispatch(continuing(session.id), new AttemptListener() {
            @Override
            public void sessionCreated(String server, String sessionId, String after) {
                judgedAfter.add(sessionId + " " + after + " " + session.prompts.get());
            }
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> session.prompts.get() == 1);
        newTurnRepliedOnServer(session);
        stub.pushEvent(OpenCodeApiStub.sessionIdle(session.id));

        assertThat(future.get(10, SECONDS).text()).isEqualTo("done");
        assertThat(judgedAfter).containsExactly(session.id + " msg_a2 0");
    }

    @Test
    void aReattachedContinuedSessionWhosePromptNeverArrivedIsPromptedAndJudgesOnlyItsOwnReply() throws Exception {
        StubSession session = sessionWithAnEarlierTurn();

        CompletableFuture<DispatchResult> future = dispatcher.attach(reattachedAfterTheEarlierTurn(session.id), session.id,
                recording());
        await().atMost(Duration.ofSeconds(5)).until(() -> session.prompts.get() == 1);
        newTurnRepliedOnServer(session);
        stub.pushEvent(OpenCodeApiStub.sessionIdle(session.id));

        assertThat(future.get(10, SECONDS).text()).as("its own reply, not the earlier turn's").isEqualTo("done");
        assertThat(session.prompts.get()).isEqualTo(1);
        assertThat(told).isEmpty();
    }

    @Test
    void aReattachedContinuedSessionWhoseTurnRanIsCollectedWithoutAPrompt() throws Exception {
        StubSession session = sessionWithAnEarlierTurn();
        newTurnRepliedOnServer(session);

        DispatchResult result = dispatcher.attach(reattachedAfterTheEarlierTurn(session.id), session.id, recording())
                .get(10, SECONDS);

        assertThat(result.text()).isEqualTo("done");
        assertThat(session.prompts.get()).isZero();
    }
}
