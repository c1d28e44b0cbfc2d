package org.camelopencode.runner;

import jakarta.jms.ConnectionFactory;
import java.nio.file.Path;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.CamelContext;
import org.apache.camel.Service;
import org.apache.camel.component.jms.JmsComponent;
import org.camelopencode.broker.EmbeddedBroker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runner's {@code jms} component: an embedded ActiveMQ Artemis broker when
 * {@code opencode.jms.url} is unset, else a connection to that Artemis broker.
 */
final class RunnerJms {

    private static final Logger LOG = LoggerFactory.getLogger(RunnerJms.class);

    private RunnerJms() {
    }

    /**
     * Registers the {@code jms} component, starting the embedded broker when no URL is given.
     *
     * @param context the Camel context
     * @param settings the runner's properties
     * @throws EmbeddedBroker.BrokerException when the embedded broker cannot start
     */
    static void configure(CamelContext context, RunnerProperties settings) throws Exception {
        String url = settings.get("opencode.jms.url");
        ConnectionFactory factory;
        if (url == null) {
            int port = Integer.parseInt(settings.getOrDefault("opencode.jms.port", "61616"));
            EmbeddedBroker broker = EmbeddedBroker.start(Path.of(settings.getOrDefault("opencode.jms.data-dir", "work/broker")), port);
            // A context service stops after the routes, so consumers finish before the broker goes.
            context.addService(new BrokerService(broker), true, true);
            factory = broker.connectionFactory();
        } else {
            factory = new ActiveMQConnectionFactory(url, settings.get("opencode.jms.username"), settings.get("opencode.jms.password"));
            LOG.info("JMS: using the ActiveMQ Artemis broker at {}", url);
        }
        JmsComponent jms = JmsComponent.jmsComponent(factory);
        context.addComponent("jms", jms);
    }

    /** Stops the embedded broker with the Camel context. */
    private record BrokerService(EmbeddedBroker broker) implements Service {
        @Override
        public void start() {
            // started already, before the routes that need it were created
        }

        @Override
        public void stop() {
            broker.close();
        }

        @Override
        public void close() {
            stop();
        }
    }
}
