package org.camelopencode.ledger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The idempotency keys of tasks, by trigger: the same task delivered again gets the same key, another task another one.
 * Keys are at most 512 characters (the ledger's column).
 */
public final class TaskKeys {

    private static final int MAX_LENGTH = 512;

    private TaskKeys() {
    }

    /**
     * @param fileName the task file's name (no folder)
     * @param content the file's bytes
     * @return {@code file:<name>#sha256:<hex>}: the same file with the same content is the same task
     */
    public static String ofFile(String fileName, byte[] content) {
        return limit("file:" + fileName + "#sha256:" + sha256(content));
    }

    /**
     * @param messageId the JMS message id ({@code ID:...}), stable across redeliveries of one message
     * @return {@code jms:<message id>}
     */
    public static String ofJms(String messageId) {
        return limit("jms:" + messageId);
    }

    /**
     * @param topic the Kafka topic
     * @param partition the partition
     * @param offset the record's offset
     * @param recordKey the record's key, or {@code null}
     * @return {@code kafka:<topic>:key:<key>} when the record has a key, else {@code kafka:<topic>-<partition>@<offset>}
     */
    public static String ofKafka(String topic, Integer partition, Long offset, String recordKey) {
        if (recordKey != null && !recordKey.isBlank()) {
            return limit("kafka:" + topic + ":key:" + recordKey);
        }
        return limit("kafka:" + topic + "-" + partition + "@" + offset);
    }

    /**
     * @param key a key given by the sender (header {@code CamelOpenCodeTaskKey})
     * @return the key, stripped, cut to its hash when longer than 512 characters
     */
    public static String explicit(String key) {
        return limit(key.strip());
    }

    /** @return the lower-case hex SHA-256 of the bytes */
    static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException missing) {
            throw new IllegalStateException("the JDK has no SHA-256", missing);
        }
    }

    private static String limit(String key) {
        if (key.length() <= MAX_LENGTH) {
            return key;
        }
        String hash = sha256(key.getBytes(StandardCharsets.UTF_8));
        return key.substring(0, MAX_LENGTH - hash.length() - 1) + "#" + hash;
    }
}
