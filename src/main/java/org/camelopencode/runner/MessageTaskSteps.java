package org.camelopencode.runner;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Message;
import org.camelopencode.component.AttemptHistory;
import org.camelopencode.component.OpenCodeConstants;
import org.camelopencode.failure.FailureKind;
import org.camelopencode.failure.OpenCodeFailureException;
import org.camelopencode.ledger.TaskKeys;
import org.camelopencode.task.ErrorRecord;
import org.camelopencode.task.TaskReader;
import org.camelopencode.task.TaskRecords;
import org.camelopencode.task.TaskSpec;

/**
 * The {@link TaskSteps} of message-triggered tasks (JMS, a schedule, any {@code direct:} or broker endpoint): the
 * task formats and records of the file drop, named by the message instead of a file. Bound as
 * {@code messageTaskSteps}, the default of {@code routes/templates.yaml}; {@link KafkaTaskSteps} adds what is Kafka's.
 *
 * <p>The task name is, first found: the {@code CamelOpenCodeTaskName} header, the
 * {@value RunnerConstants#MESSAGE_TASK_NAME} message property (JMS drops {@code Camel*} headers), the trigger's own
 * name ({@link #triggerName}: the JMS message id; the Kafka record key), the exchange id; characters other than
 * {@code A-Za-z0-9._-} become {@code -}. The body is a re-sent error record (a JSON object with a {@code status}
 * field: a re-drive that keeps its attempts), a JSON task object ({@code {"prompt": ...}}, as a {@code .json} task
 * file), or Markdown / plain text (as a {@code .md} task file). Records keep the message's headers, so a Kafka key
 * stays the key of the result record.
 */
public class MessageTaskSteps implements TaskSteps {

    /** The header of a JMS message's id, as Camel's JMS binding maps it. */
    private static final String JMS_MESSAGE_ID = "JMSMessageID";
    private static final Pattern UNSAFE_NAME_CHARACTERS = Pattern.compile("[^A-Za-z0-9._-]+");

    private final TaskReader reader = new TaskReader();

    /**
     * Reads the body as a task ({@link TaskSteps#readTask}) and sets the {@value RunnerConstants#MESSAGE_TASK_NAME}
     * property and the ledger key ({@link #taskKey}).
     *
     * @param exchange the exchange from the trigger
     * @throws OpenCodeFailureException {@code invalid_task} when the body is not a valid task or error record
     */
    @Override
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
        if (TaskRecords.isRecord(text)) {
            ErrorRecord record = TaskRecords.readDeadLetter(name, text);
            AttemptHistory.start(exchange, record.attempts());
            task = reader.readErrorRecord(record);
        } else {
            task = reader.read(name + (text.startsWith("{") ? ".json" : ".md"), content);
        }
        exchange.setProperty(RunnerConstants.TASK, task);
        message.setHeader(OpenCodeConstants.TASK_NAME, task.name());
        message.setHeader(RunnerConstants.MESSAGE_TASK_NAME, task.name());
        String key = taskKey(message);
        if (key != null) {
            message.setHeader(OpenCodeConstants.TASK_KEY, key);
        }
        message.setBody(task);
    }

    /**
     * Writes the result record ({@link TaskRecordWriter#writeResult}) and, for a JMS message, its broker duplicate id
     * ({@link #markOnce}).
     *
     * @param exchange the exchange after {@code opencode:dispatch}
     * @throws InvalidPayloadException when the body is not a dispatch result
     */
    @Override
    public void resultRecord(Exchange exchange) throws InvalidPayloadException {
        TaskRecordWriter.writeResult(exchange, TaskRecordWriter.taskName(exchange, taskName(exchange)));
        markOnce(exchange.getMessage());
    }

    /**
     * Sets {@value RunnerConstants#ARTEMIS_DUPLICATE_ID} to {@code opencode-result:<JMSMessageID>} on the result of a JMS
     * message: the send of a result is not part of the consume's transaction (the dispatch ends on another thread), so
     * a runner killed after the send and before the commit gets the same message redelivered, the ledger answers it with
     * the recorded result, and Artemis drops the second copy. A new message with the same task key (a sender sending
     * again) has a new message id and is answered again.
     *
     * @param message the result record's message
     */
    private static void markOnce(Message message) {
        String messageId = message.getHeader(JMS_MESSAGE_ID, String.class);
        if (messageId != null && !messageId.isBlank()) {
            message.setHeader(RunnerConstants.ARTEMIS_DUPLICATE_ID, "opencode-result:" + messageId);
        }
    }

    /**
     * Writes the error record ({@link TaskRecordWriter#writeError}); an invalid task is named by its message.
     *
     * @param exchange the exchange in the dead letter route
     */
    @Override
    public void errorRecord(Exchange exchange) {
        TaskRecordWriter.writeError(exchange, TaskRecordWriter.taskName(exchange, taskName(exchange)));
    }

    /**
     * The ledger key, first found: the {@code CamelOpenCodeTaskKey} header, the {@value RunnerConstants#MESSAGE_TASK_KEY}
     * message property, the trigger's own key ({@link #triggerKey}); {@code null} when there is none (a schedule: every
     * firing is a new task).
     *
     * @param message the task message
     * @return the key, or {@code null}
     */
    final String taskKey(Message message) {
        String given = firstNonBlank(message.getHeader(OpenCodeConstants.TASK_KEY, String.class),
                message.getHeader(RunnerConstants.MESSAGE_TASK_KEY, String.class));
        return given != null ? TaskKeys.explicit(given) : triggerKey(message);
    }

    /**
     * The trigger's own ledger key of a message that names none: the JMS message id (the same on every redelivery of
     * one message).
     *
     * @param message the task message
     * @return the key, or {@code null} when the trigger gives none
     */
    protected String triggerKey(Message message) {
        String jmsMessageId = message.getHeader(JMS_MESSAGE_ID, String.class);
        return jmsMessageId == null || jmsMessageId.isBlank() ? null : TaskKeys.ofJms(jmsMessageId);
    }

    /**
     * The trigger's own name of a message that names no task: the JMS message id.
     *
     * @param message the task message
     * @return the name, or {@code null} (blank counts as none)
     */
    protected String triggerName(Message message) {
        return message.getHeader(JMS_MESSAGE_ID, String.class);
    }

    private String taskName(Exchange exchange) {
        Message message = exchange.getMessage();
        String name = firstNonBlank(message.getHeader(OpenCodeConstants.TASK_NAME, String.class),
                message.getHeader(RunnerConstants.MESSAGE_TASK_NAME, String.class),
                triggerName(message),
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
