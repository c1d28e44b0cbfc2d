package org.camelopencode.it.cluster;

import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@link ClusterTakeOverScenario} on the Kafka trigger ({@code routes/kafka.yaml}): a real KRaft broker as its own JVM
 * ({@link KafkaBrokerProcess}), the tasks topic with six partitions (two per runner), the three runners in one consumer
 * group ({@code camel-opencode}). A record is claimed in the ledger before its offset is committed, so node-1's tasks
 * come back through the survivors' take-over sweep (every lease/2), not through Kafka: the stored task re-attaches its
 * recorded session or starts afresh when node-1 had not opened one.
 */
class KafkaClusterIT extends ClusterTakeOverScenario {

    private static final String TASKS_TOPIC = "opencode.tasks";
    private static final String GROUP = "camel-opencode";

    private KafkaBrokerProcess kafka;
    private Thread reader;
    private final AtomicBoolean reading = new AtomicBoolean(true);

    @Override
    String trigger() {
        return "kafka";
    }

    @Override
    String sweepTakeOverLine() {
        return "Kafka take-over: task ";
    }

    @Override
    void startBroker(Path folder) throws Exception {
        kafka = KafkaBrokerProcess.start(folder, 3);
        kafka.createTopic(TASKS_TOPIC, 6);
    }

    @Override
    Map<String, String> triggerEnvironment() {
        return Map.of("OPENCODE_KAFKA_ENABLED", "true",
                "OPENCODE_KAFKA_BROKERS", kafka.bootstrapServers(),
                "OPENCODE_KAFKA_GROUP", GROUP,
                "OPENCODE_KAFKA_WORKERS", "4");
    }

    @Override
    void awaitConsumers(ClusterRunners runners) {
        try (Admin admin = kafka.admin()) {
            await("three consumers in group " + GROUP + " with partitions").atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(500)).until(() -> {
                        ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(GROUP)).all()
                                .get(10, TimeUnit.SECONDS).get(GROUP);
                        return group.members().size() == 3 && group.members().stream().map(MemberDescription::assignment)
                                .allMatch(assignment -> !assignment.topicPartitions().isEmpty());
                    });
        }
    }

    @Override
    void collect(ResultLog results) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, "cluster-it-reader");
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(properties, new StringDeserializer(), new StringDeserializer());
        consumer.subscribe(List.of("opencode.results", "opencode.dead-letter"));
        reader = new Thread(() -> {
            try (consumer) {
                while (reading.get()) {
                    for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                        if (record.topic().equals("opencode.results")) {
                            results.result(record.key(), record.value());
                        } else {
                            results.deadLetter(record.key() + ": " + record.value());
                        }
                    }
                }
            } catch (Exception failed) {
                results.deadLetter("the test's reader failed: " + failed);
            }
        }, "cluster-it-kafka-reader");
        reader.start();
    }

    @Override
    void send(List<ClusterTasks.Task> tasks) throws Exception {
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(properties, new StringSerializer(), new StringSerializer())) {
            for (ClusterTasks.Task task : tasks) {
                producer.send(new ProducerRecord<>(TASKS_TOPIC, task.name(), task.prompt()));
            }
            producer.flush();
        }
    }

    @Override
    void stopBroker() throws Exception {
        reading.set(false);
        if (reader != null) {
            reader.join(10_000);
        }
        if (kafka != null) {
            kafka.close();
        }
    }
}
