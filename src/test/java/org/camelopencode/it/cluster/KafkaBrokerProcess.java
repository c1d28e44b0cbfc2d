package org.camelopencode.it.cluster;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;

/**
 * A real Kafka broker as its own JVM process: one combined KRaft broker and controller ({@code kafka.Kafka} from the
 * {@code kafka_2.13} jars, a test dependency from Maven Central), its storage formatted first with
 * {@code kafka.tools.StorageTool format}. Both run on the test JVM's own test class path, taken from the system property
 * {@code surefire.test.class.path} that surefire and failsafe set in the JVM they fork (falling back to
 * {@code java.class.path}): it is exactly the resolved dependency set of this build, so the broker's version is the
 * pom's {@code kafka.version} and no extra build step (a class path file from maven-dependency-plugin) is needed.
 * Listens on {@code 127.0.0.1}: {@link #bootstrapServers()}; the controller on a second free port.
 */
final class KafkaBrokerProcess implements AutoCloseable {

    private final LoggedProcess broker;
    private final String bootstrapServers;

    private KafkaBrokerProcess(LoggedProcess broker, String bootstrapServers) {
        this.broker = broker;
        this.bootstrapServers = bootstrapServers;
    }

    /**
     * Formats the storage, starts the broker and waits until it answers an admin client.
     *
     * @param folder an empty folder for its configuration, data ({@code data/}) and logs ({@code format.log},
     *     {@code kafka.log})
     * @param partitions the default partition count of auto-created topics
     * @return the ready broker
     * @throws IllegalStateException when formatting fails or the broker is not ready within 90 s (with its log)
     */
    static KafkaBrokerProcess start(Path folder, int partitions) throws IOException, InterruptedException {
        int port = FreePorts.next();
        int controllerPort = FreePorts.next();
        Properties server = new Properties();
        server.setProperty("process.roles", "broker,controller");
        server.setProperty("node.id", "1");
        server.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        server.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        server.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        server.setProperty("controller.listener.names", "CONTROLLER");
        server.setProperty("inter.broker.listener.name", "PLAINTEXT");
        server.setProperty("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
        server.setProperty("log.dirs", folder.resolve("data").toAbsolutePath().toString());
        server.setProperty("num.partitions", Integer.toString(partitions));
        server.setProperty("offsets.topic.replication.factor", "1");
        server.setProperty("offsets.topic.num.partitions", "1");
        server.setProperty("transaction.state.log.replication.factor", "1");
        server.setProperty("transaction.state.log.min.isr", "1");
        server.setProperty("group.initial.rebalance.delay.ms", "0");
        server.setProperty("auto.create.topics.enable", "true");
        Path properties = folder.resolve("server.properties");
        try (var out = Files.newBufferedWriter(properties)) {
            server.store(out, "KRaft broker of " + KafkaBrokerProcess.class.getSimpleName());
        }
        Map<String, String> environment = Map.of("CLASSPATH", classPath());
        LoggedProcess format = LoggedProcess.start("kafka storage format", List.of(LoggedProcess.java(), "-Xmx128m",
                "kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(), "-c", properties.toString()),
                folder, environment, folder.resolve("format.log"));
        if (format.waitFor(60) != 0) {
            throw new IllegalStateException("kafka.tools.StorageTool format failed:\n" + format.log());
        }
        LoggedProcess broker = LoggedProcess.start("kafka", List.of(LoggedProcess.java(), "-Xmx384m", "-XX:+UseSerialGC",
                "kafka.Kafka", properties.toString()), folder, environment, folder.resolve("kafka.log"));
        KafkaBrokerProcess started = new KafkaBrokerProcess(broker, "127.0.0.1:" + port);
        try {
            await("kafka ready").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
                if (!broker.alive()) {
                    throw new IllegalStateException("the Kafka broker exited:\n" + broker.logTail(60));
                }
                try (Admin admin = started.admin()) {
                    return !admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty();
                } catch (Exception notYet) {
                    return false;
                }
            });
        } catch (RuntimeException notReady) {
            started.close();
            throw new IllegalStateException("the Kafka broker did not become ready:\n" + broker.logTail(60), notReady);
        }
        return started;
    }

    private static String classPath() {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        if (classPath == null || !classPath.contains("kafka_2.13")) {
            throw new IllegalStateException("the test class path holds no kafka_2.13 jar (surefire.test.class.path: "
                    + System.getProperty("surefire.test.class.path") + ")");
        }
        return classPath;
    }

    /** @return {@code 127.0.0.1:port} of the broker's client listener */
    String bootstrapServers() {
        return bootstrapServers;
    }

    /** @return a new admin client of the broker (the caller closes it) */
    Admin admin() {
        Properties properties = new Properties();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000");
        return Admin.create(properties);
    }

    /**
     * Creates a topic (replication factor 1) and waits for the broker to confirm it.
     *
     * @param name the topic
     * @param partitions its partitions
     */
    void createTopic(String name, int partitions) throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    /** @return the broker's log so far */
    String log() {
        return broker.log();
    }

    /** Stops the broker process (SIGTERM, then SIGKILL). */
    @Override
    public void close() {
        broker.close();
    }
}
