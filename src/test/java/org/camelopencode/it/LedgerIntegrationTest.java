package org.camelopencode.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.main.Main;
import org.camelopencode.client.ModelReference;
import org.camelopencode.client.OpenCodeClient;
import org.camelopencode.client.PromptRequest;
import org.camelopencode.component.OpenCodeComponent;
import org.camelopencode.dispatch.AttemptListener;
import org.camelopencode.dispatch.DispatchOptions;
import org.camelopencode.dispatch.DispatchRequest;
import org.camelopencode.dispatch.Dispatcher;
import org.camelopencode.ledger.TaskKeys;
import org.camelopencode.ledger.DispatchLedger;
import org.camelopencode.ledger.DispatchStatus;
import org.camelopencode.ledger.LedgerEntry;
import org.camelopencode.runner.OpenCodeRunner;
import org.camelopencode.testkit.Reply;
import org.camelopencode.testkit.RequestMatcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The dispatch ledger in the runner (in this JVM) against the real server and the scripted model: a finished JMS task
 * sent again is answered from its recorded result, and a file dropped twice with the same content is dispatched once;
 * in both cases the model sees no new request (no new session).
 */
class LedgerIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long RECEIVE_MILLIS = Duration.ofSeconds(60).toMillis();

    private Main runner;

    @AfterEach
    void stop() throws Exception {
        if (runner != null) {
            runner.stop();
        }
    }

    private Main startRunner(Path work, int port) throws Exception {
        SharedOpenCode openCode = SharedOpenCode.get();
        Main main = OpenCodeRunner.newMain();
        main.addOverrideProperty("opencode.server.url", openCode.server().baseUri().toString());
        main.addOverrideProperty("opencode.server.username", openCode.server().username());
        main.addOverrideProperty("opencode.server.password", openCode.server().password());
        main.addOverrideProperty("opencode.model", SharedOpenCode.MODEL);
        main.addOverrideProperty("opencode.inbox", work.resolve("inbox").toString());
        main.addOverrideProperty("opencode.outbox", work.resolve("outbox").toString());
        main.addOverrideProperty("opencode.dead-letter", work.resolve("dead-letter").toString());
        main.addOverrideProperty("opencode.timeout", "PT60S");
        main.addOverrideProperty("opencode.jms.enabled", Boolean.toString(port > 0));
        main.addOverrideProperty("opencode.jms.port", Integer.toString(port));
        main.addOverrideProperty("opencode.jms.data-dir", work.resolve("broker").toString());
        main.addOverrideProperty("opencode.retry.delay", "50");
        main.addOverrideProperty("opencode.retry.backoff.delay", "50");
        main.addOverrideProperty("camel.main.shutdownTimeout", "2");
        main.start();
        return main;
    }

    private DispatchLedger ledger() {
        return runner.getCamelContext().getComponent("opencode", OpenCodeComponent.class).getLedger();
    }

    private static long modelRequestsMentioning(SharedOpenCode openCode, String marker) {
        return openCode.model().requests().stream().filter(request -> request.messagesJson().contains(marker)).count();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static JsonNode bodyOf(Message message) throws Exception {
        assertThat(message).as("a message within the deadline").isNotNull();
        return JSON.readTree(((TextMessage) message).getText());
    }

    @Test
    void aFinishedJmsTaskSentAgainIsAnsweredFromTheLedgerWithoutANewSession() throws Exception {
        SharedOpenCode openCode = SharedOpenCode.get();
        openCode.model().when(RequestMatcher.promptContains("L-AGAIN")).reply(Reply.text("answered once"));
        int port = freePort();
        Path work = Files.createTempDirectory("ledger-jms-it-");
        runner = startRunner(work, port);
        try (Connection connection = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + port).createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createQueue("opencode.tasks"));
            MessageConsumer results = session.createConsumer(session.createQueue("opencode.results"));

            TextMessage first = session.createTextMessage("{\"prompt\": \"L-AGAIN Say it once.\"}");
            first.setStringProperty("OpenCodeTaskName", "again");
            first.setStringProperty("OpenCodeTaskKey", "order-4711");
            producer.send(first);
            JsonNode firstResult = bodyOf(results.receive(RECEIVE_MILLIS));
            long requestsAfterFirst = modelRequestsMentioning(openCode, "L-AGAIN");
            assertThat(requestsAfterFirst).isPositive();

            // The sender delivers the same task again (a redelivery after its acknowledgement was lost).
            TextMessage second = session.createTextMessage("{\"prompt\": \"L-AGAIN Say it once.\"}");
            second.setStringProperty("OpenCodeTaskName", "again");
            second.setStringProperty("OpenCodeTaskKey", "order-4711");
            producer.send(second);
            JsonNode secondResult = bodyOf(results.receive(RECEIVE_MILLIS));

            assertThat(secondResult.get("status").asText()).isEqualTo("completed");
            assertThat(secondResult.get("text").asText()).isEqualTo("answered once").isEqualTo(firstResult.get("text").asText());
            assertThat(secondResult.get("sessionId").asText()).startsWith("ses_").isEqualTo(firstResult.get("sessionId").asText());
            assertThat(secondResult.get("tokens")).isEqualTo(firstResult.get("tokens"));
            assertThat(modelRequestsMentioning(openCode, "L-AGAIN")).as("no new model request, no new session")
                    .isEqualTo(requestsAfterFirst);
        }
        List<LedgerEntry> history = ledger().history("order-4711");
        assertThat(history).hasSize(1);
        assertThat(history.get(0).status()).isEqualTo(DispatchStatus.COMPLETED);
        assertThat(history.get(0).server()).as("the server URL, no credentials").startsWith("http://127.0.0.1:")
                .doesNotContain(SharedOpenCode.get().server().password());
        @SuppressWarnings("unchecked")
        List<LedgerEntry> listed = runner.getCamelContext().createProducerTemplate().requestBody("opencode:ledger", 5, List.class);
        assertThat(listed).extracting(LedgerEntry::taskKey).contains("order-4711");
    }

    @Test
    void aFileDroppedTwiceWithTheSameContentIsDispatchedOnce() throws Exception {
        SharedOpenCode openCode = SharedOpenCode.get();
        openCode.model().when(RequestMatcher.promptContains("L-TWICE")).reply(Reply.text("dropped twice, run once"));
        Path work = Files.createTempDirectory("ledger-file-it-");
        runner = startRunner(work, -1);
        Path inbox = Files.createDirectories(work.resolve("inbox"));
        Path result = work.resolve("outbox").resolve("twice.result.json");

        Files.writeString(inbox.resolve("twice.md"), "L-TWICE Do the thing.\n");
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(result) && Files.exists(inbox.resolve(".done/twice.md")));
        JsonNode first = JSON.readTree(Files.readString(result));
        long requestsAfterFirst = modelRequestsMentioning(openCode, "L-TWICE");
        Files.delete(result);
        Files.delete(inbox.resolve(".done/twice.md"));

        Files.writeString(inbox.resolve("twice.md"), "L-TWICE Do the thing.\n");
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(result) && Files.exists(inbox.resolve(".done/twice.md")));
        JsonNode second = JSON.readTree(Files.readString(result));

        assertThat(second.get("sessionId").asText()).startsWith("ses_").isEqualTo(first.get("sessionId").asText());
        assertThat(second.get("text").asText()).isEqualTo("dropped twice, run once");
        assertThat(second.get("attempts")).hasSize(1);
        assertThat(modelRequestsMentioning(openCode, "L-TWICE")).isEqualTo(requestsAfterFirst);
        assertThat(ledger().recent(10)).filteredOn(entry -> "twice".equals(entry.taskName())).singleElement()
                .satisfies(entry -> assertThat(entry.taskKey()).startsWith("file:twice.md#sha256:"));
    }

    /**
     * A dead runner's attempt, as the ledger holds it: a session started (and still running) by another dispatcher,
     * recorded as running under the task's key. The runner then gets the task again and must re-attach, not start anew.
     */
    @Test
    void aTaskRecordedAsRunningIsReAttachedToItsSessionInsteadOfStartingAnother() throws Exception {
        SharedOpenCode openCode = SharedOpenCode.get();
        openCode.model().when(RequestMatcher.promptContains("L-REATTACH"))
                .reply(Reply.slow(Reply.text("finished while its runner was gone"), Duration.ofMillis(400)));
        Path work = Files.createTempDirectory("ledger-reattach-it-");
        runner = startRunner(work, -1);
        String content = "L-REATTACH Take a while.\n";
        String key = TaskKeys.ofFile("reattach.md", content.getBytes(StandardCharsets.UTF_8));
        AtomicReference<String> session = new AtomicReference<>();
        try (OpenCodeClient client = openCode.newClient(); Dispatcher deadRunner = new Dispatcher(client, DispatchOptions.defaults())) {
            var firstWatch = deadRunner.dispatch(new DispatchRequest(content.strip(), SharedOpenCode.MODEL, null, null, "reattach", false, null,
                    Duration.ofSeconds(60), null, null, 1), new AttemptListener() {
                        @Override
                        public void sessionCreated(String server, String sessionId) {
                            session.set(sessionId);
                        }
                    });
            await().atMost(Duration.ofSeconds(30)).until(() -> session.get() != null && modelRequestsMentioning(openCode, "L-REATTACH") > 0);
            long id = ledger().begin(key, "reattach", null, null, 1, SharedOpenCode.MODEL);
            ledger().attachSession(id, openCode.server().baseUri().toString(), session.get());

            Path inbox = Files.createDirectories(work.resolve("inbox"));
            Files.writeString(inbox.resolve("reattach.md"), content);
            Path result = work.resolve("outbox").resolve("reattach.result.json");
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(result));
            JsonNode record = JSON.readTree(Files.readString(result));
            assertThat(record.get("sessionId").asText()).isEqualTo(session.get());
            assertThat(record.get("text").asText()).isEqualTo("finished while its runner was gone");
            assertThat(ledger().history(key)).singleElement().satisfies(entry -> {
                assertThat(entry.id()).isEqualTo(id);
                assertThat(entry.status()).isEqualTo(DispatchStatus.COMPLETED);
            });
            // The first watcher saw the very same turn end: one session did the work, the runner only collected it.
            assertThat(firstWatch.get(30, java.util.concurrent.TimeUnit.SECONDS).sessionId()).isEqualTo(session.get());
            assertThat(firstWatch.get().messageId()).isNotNull();
        }
    }

    @Test
    void aRecordedSessionWithoutAnyMessageIsPromptedInThatSessionNotANewOne() throws Exception {
        SharedOpenCode openCode = SharedOpenCode.get();
        openCode.model().when(RequestMatcher.promptContains("L-UNPROMPTED")).reply(Reply.text("done in the recorded session"));
        Path work = Files.createTempDirectory("ledger-unprompted-it-");
        runner = startRunner(work, -1);
        String content = "L-UNPROMPTED Its runner died between the session and the prompt.\n";
        String key = TaskKeys.ofFile("unprompted.md", content.getBytes(StandardCharsets.UTF_8));
        String recordedSession;
        try (OpenCodeClient client = openCode.newClient()) {
            // The ledger recorded the session, then its runner died before prompt_async reached the server.
            recordedSession = client.createSession("unprompted [attempt 1]").id();
        }
        long id = ledger().begin(key, "unprompted", null, null, 1, SharedOpenCode.MODEL);
        ledger().attachSession(id, openCode.server().baseUri().toString(), recordedSession);

        JsonNode record = runFile(work, "unprompted.md", content);
        assertThat(record.get("sessionId").asText()).isEqualTo(recordedSession);
        assertThat(record.get("text").asText()).isEqualTo("done in the recorded session");
        assertThat(record.get("attempts")).hasSize(1);
        assertThat(ledger().history(key)).extracting(LedgerEntry::status).containsExactly(DispatchStatus.COMPLETED);
        assertThat(openCode.model().scriptedRequests().stream().filter(request -> request.latestUserText().contains("L-UNPROMPTED")))
                .hasSize(1);
    }

    @Test
    void aRecordedSessionWhoseTurnDiedIsLostAndRetriedInANewSession() throws Exception {
        SharedOpenCode openCode = SharedOpenCode.get();
        openCode.model().when(RequestMatcher.promptContains("L-LOST")).reply(Reply.hang(), Reply.text("done on the retry"));
        Path work = Files.createTempDirectory("ledger-lost-it-");
        runner = startRunner(work, -1);
        String content = "L-LOST Its first turn died.\n";
        String key = TaskKeys.ofFile("lost.md", content.getBytes(StandardCharsets.UTF_8));
        String deadSession;
        try (OpenCodeClient client = openCode.newClient()) {
            // A session whose turn ran and died with its runner: the prompt reached the model, the turn was aborted.
            deadSession = client.createSession("lost [attempt 1]").id();
            String session = deadSession;
            client.promptAsync(session, PromptRequest.text(content).withModel(ModelReference.parse(SharedOpenCode.MODEL)));
            await().atMost(Duration.ofSeconds(30)).until(() -> openCode.model().scriptedRequests().stream()
                    .anyMatch(request -> request.latestUserText().contains("L-LOST")));
            client.abort(session);
            await().atMost(Duration.ofSeconds(30)).until(() -> !client.sessionStatuses().containsKey(session));
        }
        long id = ledger().begin(key, "lost", null, null, 1, SharedOpenCode.MODEL);
        ledger().attachSession(id, openCode.server().baseUri().toString(), deadSession);

        JsonNode record = runFile(work, "lost.md", content);
        assertThat(record.get("sessionId").asText()).startsWith("ses_").isNotEqualTo(deadSession);
        assertThat(record.get("text").asText()).isEqualTo("done on the retry");
        List<LedgerEntry> history = ledger().history(key);
        assertThat(history).extracting(LedgerEntry::status).containsExactly(DispatchStatus.FAILED, DispatchStatus.COMPLETED);
        assertThat(history.get(0).failureKind()).isEqualTo("provider_unavailable");
        assertThat(history.get(0).errorMessage()).startsWith("lost:");
        assertThat(history.get(1).attempt()).isEqualTo(2);
        assertThat(record.get("attempts")).hasSize(2);
    }

    @Test
    void aRecordedFollowUpWhosePromptNeverArrivedIsPromptedInItsSessionAndAnswersWithItsOwnReply() throws Exception {
        SharedOpenCode openCode = SharedOpenCode.get();
        openCode.model().when(RequestMatcher.promptContains("L-EARLIER")).reply(Reply.text("the earlier turn's reply"));
        openCode.model().when(RequestMatcher.promptContains("L-FOLLOW")).reply(Reply.text("the follow-up's own reply"));
        Path work = Files.createTempDirectory("ledger-follow-up-it-");
        runner = startRunner(work, -1);
        EarlierTurn earlier = sessionWithAnEarlierTurn(openCode, "L-EARLIER look around");
        String session = earlier.session();
        String newestBefore = earlier.newestMessage();
        String content = "{\"sessionId\": \"" + session + "\", \"prompt\": \"L-FOLLOW go on\"}";
        String key = TaskKeys.ofFile("follow.json", content.getBytes(StandardCharsets.UTF_8));
        // Its runner recorded the continued session and the newest message before its prompt, then died before the prompt.
        long id = ledger().begin(key, "follow", null, null, 1, SharedOpenCode.MODEL);
        ledger().attachSession(id, openCode.server().baseUri().toString(), session, newestBefore);

        JsonNode record = runFile(work, "follow.json", content);
        assertThat(record.get("sessionId").asText()).isEqualTo(session);
        assertThat(record.get("text").asText()).as("its own reply, not the earlier turn's").isEqualTo("the follow-up's own reply");
        assertThat(record.get("attempts")).hasSize(1);
        assertThat(ledger().history(key)).extracting(LedgerEntry::status).containsExactly(DispatchStatus.COMPLETED);
        assertThat(openCode.model().scriptedRequests().stream().filter(request -> request.latestUserText().contains("L-FOLLOW")))
                .hasSize(1);
    }

    /** A session that had one turn, and the id of its newest message (the reply). */
    private record EarlierTurn(String session, String newestMessage) {
    }

    /** @return a new session that had one turn: this prompt and the model's reply */
    private static EarlierTurn sessionWithAnEarlierTurn(SharedOpenCode openCode, String prompt) {
        try (OpenCodeClient client = openCode.newClient()) {
            String session = client.createSession("an earlier task").id();
            client.prompt(session, PromptRequest.text(prompt).withModel(ModelReference.parse(SharedOpenCode.MODEL)), Duration.ofSeconds(30));
            List<org.camelopencode.client.MessageWithParts> before = client.messages(session, null);
            return new EarlierTurn(session, before.get(before.size() - 1).info().id());
        }
    }

    /** Drops a task file into the runner's inbox and returns its result record, within 60 s. */
    private static JsonNode runFile(Path work, String fileName, String content) throws IOException {
        Path inbox = Files.createDirectories(work.resolve("inbox"));
        Files.writeString(inbox.resolve(fileName), content);
        Path result = work.resolve("outbox").resolve(fileName.substring(0, fileName.lastIndexOf('.')) + ".result.json");
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(result));
        return JSON.readTree(Files.readString(result));
    }

    @Test
    void aFollowUpRecordsWithItsSessionTheNewestMessageBeforeItsPrompt() throws Exception {
        SharedOpenCode openCode = SharedOpenCode.get();
        openCode.model().when(RequestMatcher.promptContains("L-BEFORE")).reply(Reply.text("the first turn"));
        openCode.model().when(RequestMatcher.promptContains("L-NEXT")).reply(Reply.text("the next turn"));
        Path work = Files.createTempDirectory("ledger-judged-after-it-");
        runner = startRunner(work, -1);
        EarlierTurn earlier = sessionWithAnEarlierTurn(openCode, "L-BEFORE start");
        String content = "{\"sessionId\": \"" + earlier.session() + "\", \"prompt\": \"L-NEXT go on\"}";

        assertThat(runFile(work, "next.json", content).get("text").asText()).isEqualTo("the next turn");
        assertThat(ledger().history(TaskKeys.ofFile("next.json", content.getBytes(StandardCharsets.UTF_8)))).singleElement()
                .satisfies(entry -> {
                    assertThat(entry.sessionId()).isEqualTo(earlier.session());
                    assertThat(entry.judgedAfter()).as("what a re-attach would not judge").isEqualTo(earlier.newestMessage());
                });
    }
}
