package org.camelopencode.it.cluster;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.camelopencode.broker.EmbeddedBroker;

/**
 * {@link ClusterTakeOverScenario} on the JMS trigger ({@code routes/jms.yaml}): an ActiveMQ Artemis broker in the test
 * JVM (the project's {@link EmbeddedBroker}, a TCP acceptor on a free port of {@code 127.0.0.1}), inside no runner; the
 * three runners connect with {@code opencode.jms.url=tcp://127.0.0.1:<port>?consumerWindowSize=0} (no prefetch, so the
 * competing consumers share the queue one message at a time) and four consumers each on the tasks queue. node-1's
 * transacted messages go back to the queue when its connection drops at the kill; a survivor gets each again, waits on
 * the claim while node-1's lease is live, then takes it over and re-attaches the recorded session.
 */
class ArtemisClusterIT extends ClusterTakeOverScenario {

    private EmbeddedBroker broker;
    private Connection client;

    @Override
    String trigger() {
        return "jms";
    }

    @Override
    void startBroker(Path folder) {
        broker = EmbeddedBroker.start(folder, FreePorts.next());
    }

    @Override
    Map<String, String> triggerEnvironment() {
        return Map.of("OPENCODE_JMS_ENABLED", "true",
                "OPENCODE_JMS_URL", broker.tcpUrl() + "?consumerWindowSize=0",
                "OPENCODE_JMS_CONCURRENCY", "4");
    }

    @Override
    void awaitConsumers(ClusterRunners runners) {
        // each runner logged Camel's start, after its jms-tasks route (and its listener container) started
    }

    @Override
    void collect(ResultLog results) throws JMSException {
        client = new ActiveMQConnectionFactory(broker.tcpUrl()).createConnection();
        Session session = client.createSession(false, Session.AUTO_ACKNOWLEDGE);
        session.createConsumer(session.createQueue("opencode.results")).setMessageListener(message -> {
            try {
                results.result(((TextMessage) message).getText());
            } catch (Exception unreadable) {
                results.deadLetter("an unreadable result: " + unreadable);
            }
        });
        for (String queue : List.of("opencode.dead-letter", EmbeddedBroker.DEAD_LETTER_QUEUE)) {
            Session deadLetters = client.createSession(false, Session.AUTO_ACKNOWLEDGE);
            deadLetters.createConsumer(deadLetters.createQueue(queue)).setMessageListener(message -> {
                try {
                    results.deadLetter(queue + ": " + message.getBody(String.class));
                } catch (JMSException unreadable) {
                    results.deadLetter(queue + ": " + unreadable);
                }
            });
        }
        client.start();
    }

    @Override
    void send(List<ClusterTasks.Task> tasks) throws JMSException {
        try (Connection sender = new ActiveMQConnectionFactory(broker.tcpUrl()).createConnection()) {
            Session session = sender.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createQueue("opencode.tasks"));
            for (ClusterTasks.Task task : tasks) {
                TextMessage message = session.createTextMessage(task.prompt());
                message.setStringProperty("OpenCodeTaskName", task.name());
                producer.send(message);
            }
        }
    }

    @Override
    void stopBroker() throws JMSException {
        if (client != null) {
            client.close();
        }
        if (broker != null) {
            broker.close();
        }
    }
}
