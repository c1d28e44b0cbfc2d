package org.camelopencode.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.camel.main.Main;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.camelopencode.testkit.Reply;
import org.camelopencode.testkit.RequestMatcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The shipped Kafka trigger ({@code routes/kafka.yaml}) against a real in-JVM Kafka broker, the real
 * server and the scripted model: a task record becomes a result record with the same key, a failing
 * one a dead-letter record with its kind, and the group's offset is committed past both.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KafkaTriggerIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private InJvmKafka kafka;
    private Main runner;

    @BeforeAll
    void start() throws Exception {
        SharedOpenCode openCode = SharedOpenCode.get();
        openCode.model().when(RequestMatcher.promptContains("K-OK")).reply(Reply.text("from kafka"));
        openCode.model().when(RequestMatcher.promptContains("K-AUTH")).reply(Reply.unauthorized());
        kafka = InJvmKafka.start();
        Path work = Files.createTempDirectory("kafka-it-");
        runner = openCode.newRunner(work);
        runner.addOverrideProperty("opencode.timeout", "PT60S");
        runner.addOverrideProperty("opencode.kafka.enabled", "true");
        runner.addOverrideProperty("opencode.kafka.brokers", kafka.bootstrapServers());
        runner.start();
    }

    @AfterAll
    void stop() throws Exception {
        if (runner != null) {
            runner.stop();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    private List<ConsumerRecord<String, String>> read(String topic, int count) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, "test-reader-" + topic);
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(properties, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(90)).until(() -> {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
                return records.size() >= count;
            });
        }
        return records;
    }

    @Test
    void taskRecordsBecomeResultAndDeadLetterRecordsWithTheirKeysAndTheOffsetIsCommitted() throws Exception {
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(properties, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("opencode.tasks", "k-ok", "{\"prompt\": \"K-OK Say hi.\"}")).get();
            producer.send(new ProducerRecord<>("opencode.tasks", "k-auth", "K-AUTH Anything.")).get();
        }

        ConsumerRecord<String, String> result = read("opencode.results", 1).get(0);
        assertThat(result.key()).isEqualTo("k-ok");
        JsonNode record = JSON.readTree(result.value());
        assertThat(record.get("status").asText()).isEqualTo("completed");
        assertThat(record.get("task").asText()).isEqualTo("k-ok");
        assertThat(record.get("text").asText()).isEqualTo("from kafka");

        ConsumerRecord<String, String> deadLetter = read("opencode.dead-letter", 1).get(0);
        assertThat(deadLetter.key()).isEqualTo("k-auth");
        JsonNode error = JSON.readTree(deadLetter.value());
        assertThat(error.get("failure").asText()).isEqualTo("auth_failed");
        assertThat(error.get("task").asText()).isEqualTo("k-auth");

        Properties adminProperties = new Properties();
        adminProperties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (Admin admin = Admin.create(adminProperties)) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets("camel-opencode")
                        .partitionsToOffsetAndMetadata().get();
                assertThat(offsets.get(new TopicPartition("opencode.tasks", 0))).isNotNull()
                        .extracting(OffsetAndMetadata::offset).isEqualTo(2L);
            });
        }
    }
}
