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
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.kafka.KafkaConstants;
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
import org.camelopencode.agent.TokenUsage;
import org.camelopencode.component.OpenCodeComponent;
import org.camelopencode.component.OpenCodeConstants;
import org.camelopencode.dispatch.DispatchResult;
import org.camelopencode.ledger.DispatchLedger;
import org.camelopencode.ledger.TaskKeys;
import org.camelopencode.runner.RunnerConstants;
import org.camelopencode.testkit.Reply;
import org.camelopencode.testkit.RequestMatcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The shipped Kafka trigger ({@code routes/kafka.yaml}) against a real in-JVM Kafka broker, the real
 * server and the scripted model: a task record becomes a result record with the same key, a failing
 * one a dead-letter record with its kind, and the group's offset is committed past both; a task taken over after its
 * owner completed it gets its result record once, whether or not that owner wrote it before it stopped.
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
        return read(topic, "test-reader-" + topic, records -> records.size() >= count);
    }

    /** Every record of the topic from its start, read by a new consumer group until {@code enough} holds. */
    private List<ConsumerRecord<String, String>> read(String topic, String group,
            java.util.function.Predicate<List<ConsumerRecord<String, String>>> enough) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(properties, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(90)).until(() -> {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
                return enough.test(records);
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

        ConsumerRecord<String, String> result = readUntilKey("opencode.results", "k-ok").stream()
                .filter(record -> "k-ok".equals(record.key())).findFirst().orElseThrow();
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

    /**
     * What the take-over sweep hands the worker route after a runner was killed between the ledger's completion of a
     * task and the release of its claim: the task is answered from the ledger, and its result record is written only
     * when the dead runner had not written it yet.
     */
    @Test
    void aTaskTakenOverAfterItsOwnerCompletedItGetsOneResultRecordWhetherOrNotThatOwnerWroteIt() throws Exception {
        DispatchLedger ledger = runner.getCamelContext().getComponent("opencode", OpenCodeComponent.class).getLedger();
        completedByAStoppedRunner(ledger, "k-written", "ses_written");
        completedByAStoppedRunner(ledger, "k-unwritten", "ses_unwritten");
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(properties, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("opencode.results", "k-written",
                    "{\"status\": \"completed\", \"task\": \"k-written\", \"sessionId\": \"ses_written\", \"text\": \"written before the kill\"}"))
                    .get();
        }

        ProducerTemplate template = runner.getCamelContext().createProducerTemplate();
        for (String name : List.of("k-written", "k-unwritten")) {
            Exchange done = template.request(RunnerConstants.KAFKA_WORK, exchange -> {
                exchange.getMessage().setBody("{\"prompt\": \"K-OK Say hi.\"}");
                exchange.getMessage().setHeader(OpenCodeConstants.TASK_KEY, TaskKeys.ofKafka("opencode.tasks", 0, 7L, name));
                exchange.getMessage().setHeader(KafkaConstants.KEY, name);
            });
            assertThat(done.getException()).as(name).isNull();
            assertThat(done.getMessage().getHeader(OpenCodeConstants.ANSWERED_FROM_LEDGER, Boolean.class)).as(name).isTrue();
        }
        template.stop();

        List<ConsumerRecord<String, String>> records = readUntilKey("opencode.results", "k-unwritten");
        List<String> written = records.stream().filter(record -> "k-written".equals(record.key())).map(ConsumerRecord::value).toList();
        assertThat(written).as("k-written: only the record its stopped owner wrote").singleElement()
                .satisfies(value -> assertThat(JSON.readTree(value).path("text").asText()).isEqualTo("written before the kill"));
        List<String> unwritten = records.stream().filter(record -> "k-unwritten".equals(record.key())).map(ConsumerRecord::value).toList();
        assertThat(unwritten).as("k-unwritten: written now, from the ledger's recorded result").singleElement().satisfies(value -> {
            JsonNode record = JSON.readTree(value);
            assertThat(record.path("sessionId").asText()).isEqualTo("ses_unwritten");
            assertThat(record.path("text").asText()).isEqualTo("recorded answer of k-unwritten");
        });
    }

    private static void completedByAStoppedRunner(DispatchLedger ledger, String name, String sessionId) {
        String key = TaskKeys.ofKafka("opencode.tasks", 0, 7L, name);
        long entry = ledger.begin(key, name, null, null, 1, SharedOpenCode.MODEL);
        ledger.attachSession(entry, "instance-9", sessionId);
        ledger.complete(entry, new DispatchResult(sessionId, "msg_1", SharedOpenCode.MODEL, "build", "recorded answer of " + name, null,
                new TokenUsage(1, 1, 0, 0, 0), 0.0, "stop", Duration.ofMillis(5)));
    }

    /** Every record of the topic from its start, read until one with {@code key} arrived (every earlier write is in). */
    private List<ConsumerRecord<String, String>> readUntilKey(String topic, String key) {
        return read(topic, "test-reader-until-" + key, records -> records.stream().anyMatch(record -> key.equals(record.key())));
    }
}
