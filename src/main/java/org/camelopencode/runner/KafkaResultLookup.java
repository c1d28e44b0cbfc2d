package org.camelopencode.runner;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Looks in a results topic for the result record a runner wrote before it stopped: Kafka's send of a result and the
 * release of the task's claim in the ledger are two systems, so a runner killed between them leaves a completed task
 * whose claim expires, and the runner that takes it over must not write the same result again. Reads every partition
 * of the topic from the first record at or after {@code since} ({@code offsetsForTimes}) to its end offset at the time
 * of the call, with its own group-less consumer ({@code assign}, nothing committed).
 */
final class KafkaResultLookup {

    private static final ObjectMapper JSON = new ObjectMapper();

    private KafkaResultLookup() {
    }

    /**
     * @param consumerProperties the results endpoint's client properties (brokers, security); the deserializers, offset
     *     and commit settings are set here
     * @param topic the results topic
     * @param recordKey the result record's key (the task's name)
     * @param sessionId the session the task completed in, as the ledger recorded it
     * @param since the earliest timestamp (the record's {@code CreateTime}, milliseconds) the record can carry
     * @param timeout the longest the whole look-up may take
     * @return the partition and offset of the first matching record ({@code topic-partition@offset}), or empty when the
     *     topic has none
     * @throws org.apache.kafka.common.KafkaException when the broker cannot be read, or {@link IllegalStateException}
     *     when the topic's end was not reached within {@code timeout}
     */
    static Optional<String> findWritten(Properties consumerProperties, String topic, String recordKey, String sessionId,
            Instant since, Duration timeout) {
        Properties properties = new Properties();
        properties.putAll(consumerProperties);
        properties.remove(ConsumerConfig.GROUP_ID_CONFIG);
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(properties)) {
            List<PartitionInfo> partitions = consumer.partitionsFor(topic, timeout);
            if (partitions == null || partitions.isEmpty()) {
                return Optional.empty();
            }
            Map<TopicPartition, Long> from = new HashMap<>();
            for (PartitionInfo partition : partitions) {
                from.put(new TopicPartition(topic, partition.partition()), since.toEpochMilli());
            }
            Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(from, timeout);
            Map<TopicPartition, Long> ends = consumer.endOffsets(from.keySet(), timeout);
            Map<TopicPartition, Long> toRead = new HashMap<>();
            starts.forEach((partition, start) -> {
                if (start != null && start.offset() < ends.getOrDefault(partition, 0L)) {
                    toRead.put(partition, ends.get(partition));
                }
            });
            if (toRead.isEmpty()) {
                return Optional.empty();
            }
            consumer.assign(toRead.keySet());
            toRead.keySet().forEach(partition -> consumer.seek(partition, starts.get(partition).offset()));
            while (!toRead.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException("the end of " + topic + " was not reached within " + timeout
                            + " (partitions left: " + toRead.keySet() + ")");
                }
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofNanos(Math.min(left, 500_000_000L)))) {
                    if (isResultOf(record.key(), record.value(), recordKey, sessionId)) {
                        return Optional.of(record.topic() + "-" + record.partition() + "@" + record.offset());
                    }
                }
                toRead.entrySet().removeIf(end -> consumer.position(end.getKey(), timeout) >= end.getValue());
            }
            return Optional.empty();
        }
    }

    /**
     * Whether a record on the results topic is the result of the task: its key is the task's and its JSON's
     * {@code sessionId} is the session the ledger recorded. A value that is not JSON is not a match.
     *
     * @param key the record's key, or {@code null}
     * @param value the record's value (a result record, {@link org.camelopencode.task.TaskRecords}), or {@code null}
     * @param recordKey the task's record key
     * @param sessionId the session of the task's completed ledger entry
     * @return {@code true} for the task's result
     */
    static boolean isResultOf(String key, String value, String recordKey, String sessionId) {
        if (key == null || value == null || sessionId == null || !key.equals(recordKey)) {
            return false;
        }
        try {
            JsonNode record = JSON.readTree(value);
            return record != null && sessionId.equals(record.path("sessionId").asText(null));
        } catch (JsonProcessingException notJson) {
            return false;
        }
    }
}
