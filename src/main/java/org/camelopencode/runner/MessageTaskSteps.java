package org.camelopencode.runner;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.camelopencode.component.AttemptHistory;
import org.camelopencode.component.OpenCodeConstants;
import org.camelopencode.failure.FailureKind;
import org.camelopencode.failure.OpenCodeFailureException;
import org.camelopencode.ledger.TaskKeys;
import org.camelopencode.task.ErrorRecord;
import org.camelopencode.task.TaskReader;
import org.camelopencode.task.TaskSpec;

/**
 * The steps of message-triggered tasks (JMS, Kafka, a schedule): the same task formats and records
 * as the file drop, named by the message instead of a file.
 *
 * <p>The task name is, first found: the {@code CamelOpenCodeTaskName} header, the
 * {@value #TASK_NAME_PROPERTY} message property (JMS drops {@code Camel*} headers), the Kafka record
 * key, the JMS message id, the exchange id. The body is a JSON task object
 * ({@code {"prompt": ...}}, as a {@code .json} task file), a re-sent error record (a re-drive that
 * keeps its attempts), or Markdown / plain text (as a {@code .md} task file). Records keep the
 * message's headers, so a Kafka key stays the key of the result record.
 */
public class MessageTaskSteps {

    /** Message property naming the task (safe for JMS, whose bridge drops {@code Camel*} headers). */
    public static final String TASK_NAME_PROPERTY = "OpenCodeTaskName";
    /** Message property with the task's ledger key (safe for JMS, whose bridge drops {@code Camel*} headers). */
    public static final String TASK_KEY_PROPERTY = "OpenCodeTaskKey";
    /** Message property with the failure kind of an error record (for JMS selectors and Kafka headers). */
    public static final String FAILURE_KIND_PROPERTY = "OpenCodeFailureKind";
    /** Message property with the record's status, {@code completed} or {@code failed}. */
    public static final String STATUS_PROPERTY = "OpenCodeStatus";

    private static final Pattern UNSAFE_NAME_CHARACTERS = Pattern.compile("[^A-Za-z0-9._-]+");

    private final TaskReader reader = new TaskReader();
    private final FileDropSteps records = new FileDropSteps();

    /**
     * Replaces the body with its {@link TaskSpec} and sets {@code CamelOpenCodeTaskName} and the attempt history.
     *
     * @param exchange the exchange from the trigger
     * @throws OpenCodeFailureException {@code invalid_task} when the body is not a valid task
     */
    public void readTask(Exchange exchange) {
        Message message = exchange.getMessage();
        AttemptHistory.start(exchange, List.of());
        byte[] content = message.getBody(byte[].class);
        String name = taskName(exchange);
        if (content == null || content.length == 0) {
            throw new OpenCodeFailureException(FailureKind.INVALID_TASK, name + ": the message has no body");
        }
        String text = new String(content, StandardCharsets.UTF_8).strip();
        TaskSpec task;
        if (text.startsWith("{") && text.contains("\"status\"") && text.contains("\"original\"")) {
            task = redrive(exchange, name, text);
        } else {
            task = reader.read(name + (text.startsWith("{") ? ".json" : ".md"), content);
        }
        exchange.setProperty(FileDropSteps.TASK_PROPERTY, task);
        message.setHeader(OpenCodeConstants.TASK_NAME, task.name());
        message.setHeader(TASK_NAME_PROPERTY, task.name());
        String key = taskKey(message);
        if (key != null) {
            message.setHeader(OpenCodeConstants.TASK_KEY, key);
        }
        message.setBody(task);
    }

    private TaskSpec redrive(Exchange exchange, String name, String text) {
        ErrorRecord record = FileDropSteps.readErrorRecord(name, text);
        AttemptHistory.start(exchange, record.attempts());
        return reader.readErrorRecord(record);
    }

    /**
     * Replaces the body (a dispatch result) with the result record JSON.
     *
     * @param exchange the exchange after {@code opencode:dispatch}
     * @throws InvalidPayloadException when the body is not a dispatch result
     */
    public void resultRecord(Exchange exchange) throws InvalidPayloadException {
        records.resultRecord(exchange);
        exchange.getMessage().setHeader(STATUS_PROPERTY, "completed");
        exchange.getMessage().setHeader(TASK_NAME_PROPERTY, exchange.getMessage().getHeader(OpenCodeConstants.TASK_NAME));
    }

    /**
     * Replaces the body with the error record JSON of the caught exception.
     *
     * @param exchange the exchange in the dead letter route
     */
    public void errorRecord(Exchange exchange) {
        records.errorRecord(exchange);
        Message message = exchange.getMessage();
        message.setHeader(STATUS_PROPERTY, "failed");
        message.setHeader(FAILURE_KIND_PROPERTY, message.getHeader(OpenCodeConstants.FAILURE_KIND));
        message.setHeader(TASK_NAME_PROPERTY, message.getHeader(OpenCodeConstants.TASK_NAME));
    }

    /**
     * Ends the task at its trigger: commits a Kafka record's offset once its result or dead letter is
     * written (consumers with {@code allowManualCommit=true}); nothing for other triggers.
     *
     * @param exchange the exchange after the record was written
     */
    public void done(Exchange exchange) {
        KafkaManualCommit commit = exchange.getMessage().getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class);
        if (commit != null) {
            commit.commit();
        }
    }

    /**
     * The ledger key, first found: the {@code CamelOpenCodeTaskKey} header, the {@value #TASK_KEY_PROPERTY} message
     * property, the Kafka record (key when set, else topic-partition-offset), the JMS message id (the same on every
     * redelivery of one message); {@code null} for other triggers (a schedule: every firing is a new task).
     */
    static String taskKey(Message message) {
        String given = firstNonBlank(message.getHeader(OpenCodeConstants.TASK_KEY, String.class),
                message.getHeader(TASK_KEY_PROPERTY, String.class));
        if (given != null) {
            return TaskKeys.explicit(given);
        }
        String topic = message.getHeader(KafkaConstants.TOPIC, String.class);
        if (topic != null) {
            return TaskKeys.ofKafka(topic, message.getHeader(KafkaConstants.PARTITION, Integer.class),
                    message.getHeader(KafkaConstants.OFFSET, Long.class), message.getHeader(KafkaConstants.KEY, String.class));
        }
        String jmsMessageId = message.getHeader("JMSMessageID", String.class);
        return jmsMessageId == null || jmsMessageId.isBlank() ? null : TaskKeys.ofJms(jmsMessageId);
    }

    private static String taskName(Exchange exchange) {
        Message message = exchange.getMessage();
        String name = firstNonBlank(message.getHeader(OpenCodeConstants.TASK_NAME, String.class),
                message.getHeader(TASK_NAME_PROPERTY, String.class),
                message.getHeader(KafkaConstants.KEY, String.class),
                message.getHeader("JMSMessageID", String.class),
                exchange.getExchangeId());
        String safe = UNSAFE_NAME_CHARACTERS.matcher(name).replaceAll("-").replaceAll("^[-.]+", "");
        return safe.isEmpty() ? "task" : safe;
    }

    private static String firstNonBlank(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return value.strip();
            }
        }
        return null;
    }
}
