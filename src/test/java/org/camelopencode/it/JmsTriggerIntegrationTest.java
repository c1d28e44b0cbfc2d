package org.camelopencode.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TextMessage;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.main.Main;
import org.apache.camel.model.ToDefinition;
import org.apache.camel.spi.InterceptStrategy;
import org.apache.camel.support.processor.DelegateAsyncProcessor;
import org.camelopencode.component.OpenCodeConstants;
import org.camelopencode.ledger.TaskClaimedException;
import org.camelopencode.testkit.Reply;
import org.camelopencode.testkit.RequestMatcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The shipped JMS trigger ({@code routes/jms.yaml}) on the runner's embedded Artemis broker, against
 * the real server and the scripted model: request-reply, results queue, dead-letter queue with the
 * failure kind, and a runner stopped mid-task that leaves the task on the queue for the next start.
 */
class JmsTriggerIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long RECEIVE_MILLIS = Duration.ofSeconds(60).toMillis();

    private Main runner;
    private Connection client;

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        if (runner != null) {
            runner.stop();
        }
    }

    private Main startRunner(Path work, int port) {
        return startRunner(work, port, null);
    }

    private Main startRunner(Path work, int port, InterceptStrategy interceptor) {
        SharedOpenCode openCode = sharedOpenCode();
        Main main = openCode.newRunner(work);
        if (interceptor != null) {
            main.bind("testInterceptor", interceptor);
        }
        main.addOverrideProperty("opencode.timeout", "PT60S");
        main.addOverrideProperty("opencode.jms.enabled", "true");
        main.addOverrideProperty("opencode.jms.port", Integer.toString(port));
        main.addOverrideProperty("opencode.retry.delay", "50");
        main.addOverrideProperty("camel.main.shutdownTimeout", "2");
        main.start();
        return main;
    }

    private static SharedOpenCode sharedOpenCode() {
        try {
            return SharedOpenCode.get();
        } catch (Exception failure) {
            throw new IllegalStateException(failure);
        }
    }

    private Session connect(int port) throws Exception {
        client = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + port).createConnection();
        client.start();
        return client.createSession(false, Session.AUTO_ACKNOWLEDGE);
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
    void requestsAreAnsweredToReplyToOrTheResultsQueueAndFailuresGoToTheDeadLetterQueue() throws Exception {
        SharedOpenCode openCode = sharedOpenCode();
        openCode.model().when(RequestMatcher.promptContains("J-REPLY")).reply(Reply.text("replied over JMS"));
        openCode.model().when(RequestMatcher.promptContains("J-RESULT")).reply(Reply.json("{\"queue\": \"results\"}"));
        openCode.model().when(RequestMatcher.promptContains("J-AUTH")).reply(Reply.unauthorized());
        int port = freePort();
        runner = startRunner(Files.createTempDirectory("jms-it-"), port);
        Session session = connect(port);
        Queue tasks = session.createQueue("opencode.tasks");
        MessageProducer producer = session.createProducer(tasks);

        TemporaryQueue replyTo = session.createTemporaryQueue();
        TextMessage request = session.createTextMessage("{\"prompt\": \"J-REPLY Say something.\"}");
        request.setJMSReplyTo(replyTo);
        request.setStringProperty("OpenCodeTaskName", "reply-task");
        producer.send(request);
        JsonNode reply = bodyOf(session.createConsumer(replyTo).receive(RECEIVE_MILLIS));
        assertThat(reply.get("status").asText()).isEqualTo("completed");
        assertThat(reply.get("task").asText()).isEqualTo("reply-task");
        assertThat(reply.get("text").asText()).isEqualTo("replied over JMS");
        assertThat(reply.get("attempts").get(0).get("sessionId").asText()).startsWith("ses_");

        TextMessage toResults = session.createTextMessage("---\nexpect: json\n---\nJ-RESULT Answer in JSON.\n");
        toResults.setStringProperty("OpenCodeTaskName", "results-task");
        producer.send(toResults);
        Message resultMessage = session.createConsumer(session.createQueue("opencode.results")).receive(RECEIVE_MILLIS);
        JsonNode result = bodyOf(resultMessage);
        assertThat(result.get("task").asText()).isEqualTo("results-task");
        assertThat(result.get("json").get("queue").asText()).isEqualTo("results");
        assertThat(resultMessage.getStringProperty("OpenCodeStatus")).isEqualTo("completed");

        TextMessage failing = session.createTextMessage("{\"prompt\": \"J-AUTH Anything.\"}");
        failing.setStringProperty("OpenCodeTaskName", "auth-task");
        producer.send(failing);
        Message deadLetter = session.createConsumer(session.createQueue("opencode.dead-letter")).receive(RECEIVE_MILLIS);
        JsonNode error = bodyOf(deadLetter);
        assertThat(error.get("status").asText()).isEqualTo("failed");
        assertThat(error.get("task").asText()).isEqualTo("auth-task");
        assertThat(error.get("failure").asText()).isEqualTo("auth_failed");
        assertThat(deadLetter.getStringProperty("OpenCodeFailureKind")).isEqualTo("auth_failed");
        assertThat(error.get("original").get("prompt").asText()).isEqualTo("J-AUTH Anything.");
        assertThat(error.toString()).doesNotContain(openCode.server().password());
    }

    /**
     * The JMS send of a result is not part of the consume's transaction, so a runner that fails between the send and the
     * commit gets its message redelivered: the ledger answers it with its recorded result, and the broker's duplicate
     * detection ({@code _AMQ_DUPL_ID} of the message id) keeps the results queue at one record. Here the runner hands
     * the message back right after the result was sent (a {@link TaskClaimedException}, which the playbook does not
     * handle: the consume rolls back), as a runner killed at that moment would.
     */
    @Test
    void aMessageRedeliveredAfterItsResultWasSentGetsNoSecondResultRecord() throws Exception {
        SharedOpenCode openCode = sharedOpenCode();
        openCode.model().when(RequestMatcher.promptContains("J-ONCE")).reply(Reply.text("once"));
        openCode.model().when(RequestMatcher.promptContains("J-NEXT")).reply(Reply.text("next"));
        AtomicInteger sends = new AtomicInteger();
        int port = freePort();
        runner = startRunner(Files.createTempDirectory("jms-once-"), port, handBackOnceAfterTheResultOf("once-task", sends));
        Session session = connect(port);
        MessageProducer producer = session.createProducer(session.createQueue("opencode.tasks"));
        MessageConsumer results = session.createConsumer(session.createQueue("opencode.results"));

        TextMessage once = session.createTextMessage("J-ONCE Say it once.");
        once.setStringProperty("OpenCodeTaskName", "once-task");
        producer.send(once);
        JsonNode first = bodyOf(results.receive(RECEIVE_MILLIS));
        assertThat(first.get("task").asText()).isEqualTo("once-task");
        assertThat(first.get("text").asText()).isEqualTo("once");
        await().atMost(Duration.ofSeconds(60)).until(() -> sends.get() >= 2);

        TextMessage next = session.createTextMessage("J-NEXT Then this.");
        next.setStringProperty("OpenCodeTaskName", "next-task");
        producer.send(next);
        JsonNode after = bodyOf(results.receive(RECEIVE_MILLIS));
        assertThat(after.get("task").asText()).as("the record after once-task's (one message at a time)").isEqualTo("next-task");
        assertThat(results.receiveNoWait()).as("no second record of once-task").isNull();
        assertThat(sends.get()).as("once-task's result was sent on both deliveries").isEqualTo(2);
        assertThat(openCode.model().requests().stream().filter(request -> !request.titleRequest()
                && request.messagesJson().contains("J-ONCE")).count()).as("once-task ran in one session").isEqualTo(1);
    }

    /**
     * An intercept strategy for the runner: after the result of task {@code name} was sent to the results queue, counts
     * the send and, the first time, fails the exchange with a {@link TaskClaimedException} (not handled by the
     * playbook, so the JMS consume rolls back and the broker redelivers the message).
     */
    private static InterceptStrategy handBackOnceAfterTheResultOf(String name, AtomicInteger sends) {
        AtomicBoolean handedBack = new AtomicBoolean();
        return (context, definition, target, nextTarget) -> {
            if (!(definition instanceof ToDefinition to) || !to.getUri().contains("results")) {
                return target;
            }
            return new DelegateAsyncProcessor(target) {
                @Override
                public boolean process(Exchange exchange, AsyncCallback callback) {
                    return processor.process(exchange, doneSync -> {
                        if (name.equals(exchange.getMessage().getHeader(OpenCodeConstants.TASK_NAME)) && exchange.getException() == null) {
                            sends.incrementAndGet();
                            if (handedBack.compareAndSet(false, true)) {
                                exchange.setException(new TaskClaimedException("the test's hand-back", "a runner that stopped", Instant.now()));
                            }
                        }
                        callback.done(doneSync);
                    });
                }
            };
        };
    }

    @Test
    void aRunnerStoppedMidTaskLeavesTheTaskOnTheQueueForTheNextStart() throws Exception {
        SharedOpenCode openCode = sharedOpenCode();
        openCode.model().when(RequestMatcher.promptContains("J-SURVIVE")).reply(Reply.hang(), Reply.text("done after restart"));
        Path work = Files.createTempDirectory("jms-restart-it-");
        int port = freePort();
        runner = startRunner(work, port);
        try (Connection sender = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + port).createConnection()) {
            Session session = sender.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TextMessage task = session.createTextMessage("{\"prompt\": \"J-SURVIVE Take your time.\"}");
            task.setStringProperty("OpenCodeTaskName", "survivor");
            session.createProducer(session.createQueue("opencode.tasks")).send(task);
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> openCode.model().requests().stream().anyMatch(request -> request.messagesJson().contains("J-SURVIVE")));
        runner.stop();
        runner = null;

        runner = startRunner(work, port);
        Session session = connect(port);
        JsonNode result = bodyOf(session.createConsumer(session.createQueue("opencode.results")).receive(RECEIVE_MILLIS));
        assertThat(result.get("task").asText()).isEqualTo("survivor");
        assertThat(result.get("text").asText()).isEqualTo("done after restart");
    }
}
