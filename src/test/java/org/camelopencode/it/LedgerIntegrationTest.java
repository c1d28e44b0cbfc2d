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
import java.util.List;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.main.Main;
import org.camelopencode.component.OpenCodeComponent;
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
}
