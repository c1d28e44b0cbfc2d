package org.camelopencode.broker;

import jakarta.jms.ConnectionFactory;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An ActiveMQ Artemis broker inside this JVM: the runner's JMS broker when no external one is
 * configured. Persistent (a NIO journal in its data folder), so messages survive a restart of the
 * runner; reachable in-VM and, when a port is given, over TCP on {@code 127.0.0.1} only.
 *
 * <p>Security is off: the TCP acceptor listens on the loopback interface only, so only local
 * processes can reach it. Use an external broker (with its own security) for anything else.
 */
public final class EmbeddedBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBroker.class);
    private static final AtomicInteger IN_VM_IDS = new AtomicInteger();

    /** Where the broker moves messages that failed delivery too often. */
    public static final String DEAD_LETTER_QUEUE = "DLQ";
    /** Where the broker moves messages whose time to live passed. */
    public static final String EXPIRY_QUEUE = "ExpiryQueue";

    private final EmbeddedActiveMQ server;
    private final String inVmUrl;
    private final String tcpUrl;

    private EmbeddedBroker(EmbeddedActiveMQ server, String inVmUrl, String tcpUrl) {
        this.server = server;
        this.inVmUrl = inVmUrl;
        this.tcpUrl = tcpUrl;
    }

    /**
     * Starts a broker.
     *
     * @param dataDirectory folder of the journal, bindings, paging and large messages (created when missing)
     * @param tcpPort TCP port on {@code 127.0.0.1}, or a negative number for in-VM access only
     * @return the started broker
     * @throws BrokerException when the broker cannot start (for example the port is taken)
     */
    public static EmbeddedBroker start(Path dataDirectory, int tcpPort) {
        int inVmId = IN_VM_IDS.incrementAndGet();
        String inVmUrl = "vm://" + inVmId;
        String tcpUrl = tcpPort >= 0 ? "tcp://127.0.0.1:" + tcpPort : null;
        Path data = dataDirectory.toAbsolutePath().normalize();
        Configuration configuration = new ConfigurationImpl()
                .setName("camel-opencode")
                .setPersistenceEnabled(true)
                .setJournalType(JournalType.NIO)
                .setJournalDirectory(data.resolve("journal").toString())
                .setBindingsDirectory(data.resolve("bindings").toString())
                .setPagingDirectory(data.resolve("paging").toString())
                .setLargeMessagesDirectory(data.resolve("large-messages").toString())
                .setSecurityEnabled(false)
                // Poison messages and expired ones (for example approval requests nobody answered in time) are kept, not dropped.
                .addAddressSetting("#", new AddressSettings()
                        .setDeadLetterAddress(SimpleString.of(DEAD_LETTER_QUEUE))
                        .setExpiryAddress(SimpleString.of(EXPIRY_QUEUE))
                        .setAutoCreateDeadLetterResources(true)
                        .setAutoCreateExpiryResources(true));
        try {
            configuration.addAcceptorConfiguration("in-vm", inVmUrl);
            if (tcpUrl != null) {
                configuration.addAcceptorConfiguration("tcp", tcpUrl);
            }
            EmbeddedActiveMQ server = new EmbeddedActiveMQ();
            server.setConfiguration(configuration);
            server.start();
            if (!server.getActiveMQServer().isActive()) {
                server.stop();
                throw new BrokerException("the embedded broker did not become active (is " + tcpUrl + " in use?)", null);
            }
            LOG.info("Embedded ActiveMQ Artemis broker started (data in {}{})", data,
                    tcpUrl == null ? "" : ", listening on " + tcpUrl);
            return new EmbeddedBroker(server, inVmUrl, tcpUrl);
        } catch (BrokerException failure) {
            throw failure;
        } catch (Exception failure) {
            throw new BrokerException("the embedded broker could not start: " + failure.getMessage(), failure);
        }
    }

    /** @return a JMS connection factory for this broker, over the in-VM transport */
    public ConnectionFactory connectionFactory() {
        return new ActiveMQConnectionFactory(inVmUrl);
    }

    /** @return {@code tcp://127.0.0.1:port} for other processes, or {@code null} when in-VM only */
    public String tcpUrl() {
        return tcpUrl;
    }

    /** @return the in-VM URL, {@code vm://N} */
    public String inVmUrl() {
        return inVmUrl;
    }

    /** Stops the broker; messages stay in its journal. */
    @Override
    public void close() {
        try {
            server.stop();
            LOG.info("Embedded broker stopped");
        } catch (Exception failure) {
            LOG.warn("Stopping the embedded broker failed: {}", failure.getMessage());
        }
    }

    /** The broker could not start or stop. */
    public static final class BrokerException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /**
         * @param message what went wrong
         * @param cause the broker's exception, may be null
         */
        public BrokerException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
