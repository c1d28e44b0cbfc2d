package org.camelopencode.runner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Message;
import org.camelopencode.component.AttemptHistory;
import org.camelopencode.component.OpenCodeConstants;
import org.camelopencode.dispatch.DispatchResult;
import org.camelopencode.failure.FailureKind;
import org.camelopencode.failure.OpenCodeFailureException;
import org.camelopencode.ledger.TaskKeys;
import org.camelopencode.task.AttemptRecord;
import org.camelopencode.task.ErrorRecord;
import org.camelopencode.task.ResultRecord;
import org.camelopencode.task.TaskReader;
import org.camelopencode.task.TaskRecords;
import org.camelopencode.task.TaskSpec;
import org.camelopencode.task.TokenCounts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps of {@code routes/file-drop.yaml} and {@code routes/playbook.yaml} that are not Camel EIPs: reading a task
 * file (or a dead letter moved back in), and writing the result and error records of the file-drop contract. Bound
 * as {@code fileDropSteps}.
 *
 * <p>Re-drive: a {@code <name>.error.json} dropped into the inbox runs its {@code original} task again; an original
 * task file dropped in again picks up the attempts of {@code <dead-letter>/<name>.error.json} when that exists. Either
 * way the attempts go on numbering, and a re-run that completes removes the task's old dead letter (record and
 * original file; the inbox's {@code .done} folder keeps every file it read).
 */
public class FileDropSteps {

    /** Exchange property: the {@link TaskSpec} read from the task file. */
    public static final String TASK_PROPERTY = "CamelOpenCodeTask";
    /** Exchange property: the name of the task file that failed before, when the task is a re-drive. */
    public static final String REDRIVEN_FILE_PROPERTY = "CamelOpenCodeRedrivenFile";

    private static final Logger LOG = LoggerFactory.getLogger(FileDropSteps.class);

    private final TaskReader reader = new TaskReader();
    private final Path deadLetter;

    /** Steps without a dead-letter folder: no history is picked up from earlier dead letters. */
    public FileDropSteps() {
        this(null);
    }

    /** @param deadLetter the dead-letter folder ({@code opencode.dead-letter}), or {@code null} */
    public FileDropSteps(Path deadLetter) {
        this.deadLetter = deadLetter;
    }

    /**
     * Replaces the body (a task file, or an error record moved back into the inbox) with its {@link TaskSpec}, sets
     * {@code CamelOpenCodeTaskName}, the property {@value #TASK_PROPERTY}, the attempt history of earlier runs and, unless the
     * message has one, the ledger key {@code CamelOpenCodeTaskKey} (file name + SHA-256 of the content).
     *
     * @param exchange the exchange from the file consumer
     * @throws OpenCodeFailureException {@code invalid_task} when the file is not a valid task (or error record)
     */
    public void readTask(Exchange exchange) {
        Message message = exchange.getMessage();
        String fileName = message.getHeader(Exchange.FILE_NAME_ONLY, String.class);
        byte[] content = message.getBody(byte[].class);
        AttemptHistory.start(exchange, List.of());
        if (content == null) {
            throw new OpenCodeFailureException(FailureKind.INVALID_TASK, fileName + ": the file could not be read");
        }
        TaskSpec task;
        if (TaskReader.isErrorRecord(fileName)) {
            ErrorRecord record = readErrorRecord(fileName, new String(content, StandardCharsets.UTF_8));
            AttemptHistory.start(exchange, record.attempts());
            exchange.setProperty(REDRIVEN_FILE_PROPERTY, record.file() == null ? fileName : record.file());
            task = reader.readErrorRecord(record);
        } else {
            task = reader.read(fileName, content);
            List<AttemptRecord> earlier = earlierAttempts(task.name());
            if (!earlier.isEmpty()) {
                AttemptHistory.start(exchange, earlier);
                exchange.setProperty(REDRIVEN_FILE_PROPERTY, fileName);
            }
        }
        if (exchange.getProperty(REDRIVEN_FILE_PROPERTY) != null) {
            LOG.info("Task {} is re-driven after {} earlier attempts", task.name(), AttemptHistory.of(exchange).size());
        }
        exchange.setProperty(TASK_PROPERTY, task);
        message.setHeader(OpenCodeConstants.TASK_NAME, task.name());
        if (message.getHeader(OpenCodeConstants.TASK_KEY) == null) {
            // The same file with the same content is the same task: dropped again, it is answered from the ledger.
            message.setHeader(OpenCodeConstants.TASK_KEY, TaskKeys.ofFile(fileName, content));
        }
        message.setBody(task);
    }

    /**
     * Replaces the body (a {@link DispatchResult}) with the result record JSON and names the file
     * {@code <task>.result.json}. A re-driven task's old dead letter is removed.
     *
     * @param exchange the exchange after {@code opencode:dispatch}
     * @throws InvalidPayloadException when the body is not a dispatch result
     */
    public void resultRecord(Exchange exchange) throws InvalidPayloadException {
        Message message = exchange.getMessage();
        DispatchResult result = message.getMandatoryBody(DispatchResult.class);
        String task = taskName(exchange);
        ResultRecord record = ResultRecord.completed(task, result.sessionId(), result.model(), result.text(), result.json(),
                TokenCounts.of(result.tokens()),
                result.cost(), AttemptHistory.of(exchange), result.duration().toMillis());
        message.setBody(TaskRecords.toJson(record));
        message.setHeader(Exchange.FILE_NAME, TaskRecords.resultFileName(task));
        String redriven = exchange.getProperty(REDRIVEN_FILE_PROPERTY, String.class);
        if (redriven != null) {
            removeDeadLetter(task, redriven);
        }
    }

    /**
     * Replaces the body with the error record JSON of the caught exception and names the file
     * {@code <task>.error.json}. Exceptions that are not {@link OpenCodeFailureException} are
     * recorded as {@code agent_error} with their message.
     *
     * @param exchange the exchange in {@code onException}
     */
    public void errorRecord(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        OpenCodeFailureException failure = caught instanceof OpenCodeFailureException classified
                ? classified
                : new OpenCodeFailureException(FailureKind.AGENT_ERROR, String.valueOf(caught), null, null, caught);
        String task = taskName(exchange);
        String file = exchange.getProperty(REDRIVEN_FILE_PROPERTY,
                exchange.getMessage().getHeader(Exchange.FILE_NAME_ONLY, String.class), String.class);
        Message message = exchange.getMessage();
        message.setHeader(OpenCodeConstants.TASK_NAME, task);
        message.setHeader(OpenCodeConstants.FAILURE_KIND, failure.getKind().wireName());
        ErrorRecord record = ErrorRecord.of(task, failure, AttemptHistory.of(exchange), file,
                exchange.getProperty(TASK_PROPERTY, TaskSpec.class));
        message.setBody(TaskRecords.toJson(record));
        message.setHeader(Exchange.FILE_NAME, TaskRecords.errorFileName(task));
    }

    /**
     * @param name the task's name for the error message
     * @param json the error record
     * @return the parsed record
     * @throws OpenCodeFailureException {@code invalid_task} when it is not an error record
     */
    static ErrorRecord readErrorRecord(String name, String json) {
        try {
            return TaskRecords.readError(json);
        } catch (IllegalArgumentException malformed) {
            throw new OpenCodeFailureException(FailureKind.INVALID_TASK, name + ": " + malformed.getMessage());
        }
    }

    /** The attempts of {@code <dead-letter>/<task>.error.json}, when the task failed before; else none. */
    private List<AttemptRecord> earlierAttempts(String task) {
        if (deadLetter == null) {
            return List.of();
        }
        Path record = deadLetter.resolve(TaskRecords.errorFileName(task));
        if (!Files.isRegularFile(record)) {
            return List.of();
        }
        try {
            return TaskRecords.readError(Files.readString(record)).attempts();
        } catch (IOException | IllegalArgumentException unreadable) {
            LOG.warn("Task {}: the earlier dead letter {} is unreadable ({}); its attempts are not carried over", task, record,
                    unreadable.getMessage());
            return List.of();
        }
    }

    private void removeDeadLetter(String task, String originalFile) {
        if (deadLetter == null) {
            return;
        }
        for (Path stale : List.of(deadLetter.resolve(TaskRecords.errorFileName(task)), deadLetter.resolve(originalFile))) {
            try {
                Files.deleteIfExists(stale);
            } catch (IOException failure) {
                LOG.warn("Task {} completed, but its old dead letter {} could not be removed: {}", task, stale, failure.getMessage());
            }
        }
    }

    private static String taskName(Exchange exchange) {
        TaskSpec task = exchange.getProperty(TASK_PROPERTY, TaskSpec.class);
        if (task != null) {
            return task.name();
        }
        String fileName = exchange.getMessage().getHeader(Exchange.FILE_NAME_ONLY, String.class);
        if (fileName != null) {
            String name = Path.of(fileName).getFileName().toString();
            if (TaskReader.isErrorRecord(name)) {
                return name.substring(0, name.length() - TaskReader.ERROR_RECORD_SUFFIX.length());
            }
            return TaskReader.taskName(name);
        }
        return exchange.getMessage().getHeader(OpenCodeConstants.TASK_NAME, "task", String.class);
    }

    /**
     * Ends a file task at its trigger: nothing to do (the file consumer archives the file in {@code .done});
     * here so file and message routes share one template ({@code routes/templates.yaml}).
     *
     * @param exchange the exchange after its record was written
     */
    public void done(Exchange exchange) {
        // the file component moves the task file when the exchange completes
    }
}
