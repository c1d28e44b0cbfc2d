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
import org.camelopencode.failure.FailureKind;
import org.camelopencode.failure.OpenCodeFailureException;
import org.camelopencode.ledger.TaskKeys;
import org.camelopencode.task.AttemptRecord;
import org.camelopencode.task.ErrorRecord;
import org.camelopencode.task.TaskReader;
import org.camelopencode.task.TaskRecords;
import org.camelopencode.task.TaskSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link TaskSteps} of task files ({@code routes/file-drop.yaml}, and the file reading of
 * {@code routes/pipeline.yaml}): reading a task file, or a dead letter moved back in, and the file drop's records.
 * Bound as {@code fileDropSteps}.
 *
 * <p>Re-drive: a {@code <name>.error.json} dropped into the inbox runs its {@code original} task again; an original
 * task file dropped in again picks up the attempts of {@code <dead-letter>/<name>.error.json} when that exists. Either
 * way the attempts go on numbering, and a re-run that completes removes the task's old dead letter (record and
 * original file; the inbox's {@code .done} folder keeps every file it read).
 */
public class FileDropSteps implements TaskSteps {

    private static final Logger LOG = LoggerFactory.getLogger(FileDropSteps.class);

    private final TaskReader reader = new TaskReader();
    private final Path deadLetter;
    private final Path outbox;

    /** Steps without a dead-letter folder: no history is picked up from earlier dead letters. */
    public FileDropSteps() {
        this(null);
    }

    /** @param deadLetter the dead-letter folder ({@code opencode.dead-letter}), or {@code null} */
    public FileDropSteps(Path deadLetter) {
        this(deadLetter, null);
    }

    /**
     * @param deadLetter the dead-letter folder ({@code opencode.dead-letter}), or {@code null}
     * @param outbox the outbox ({@code opencode.outbox}) where a worktree task's {@code <name>.patch} goes beside its
     *     result, or {@code null} for no patch files (a failed task's patch goes to {@code deadLetter})
     */
    public FileDropSteps(Path deadLetter, Path outbox) {
        this.deadLetter = deadLetter;
        this.outbox = outbox;
    }

    /**
     * Reads a task file or an error record moved back into the inbox ({@link TaskSteps#readTask}). Unless the message
     * has one, the ledger key {@code CamelOpenCodeTaskKey} is the file name + SHA-256 of the content.
     *
     * @param exchange the exchange from the file consumer
     * @throws OpenCodeFailureException {@code invalid_task} when the file is not a valid task (or error record)
     */
    @Override
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
            ErrorRecord record = TaskRecords.readDeadLetter(fileName, new String(content, StandardCharsets.UTF_8));
            AttemptHistory.start(exchange, record.attempts());
            exchange.setProperty(RunnerConstants.REDRIVEN_FILE, record.file() == null ? fileName : record.file());
            task = reader.readErrorRecord(record);
        } else {
            task = reader.read(fileName, content);
            List<AttemptRecord> earlier = earlierAttempts(task.name());
            if (!earlier.isEmpty()) {
                AttemptHistory.start(exchange, earlier);
                exchange.setProperty(RunnerConstants.REDRIVEN_FILE, fileName);
            }
        }
        if (exchange.getProperty(RunnerConstants.REDRIVEN_FILE) != null) {
            LOG.info("Task {} is re-driven after {} earlier attempts", task.name(), AttemptHistory.of(exchange).size());
        }
        exchange.setProperty(RunnerConstants.TASK, task);
        message.setHeader(OpenCodeConstants.TASK_NAME, task.name());
        if (message.getHeader(OpenCodeConstants.TASK_KEY) == null) {
            // The same file with the same content is the same task: dropped again, it is answered from the ledger.
            message.setHeader(OpenCodeConstants.TASK_KEY, TaskKeys.ofFile(fileName, content));
        }
        message.setBody(task);
    }

    /**
     * Writes the result record {@code <task>.result.json} (and {@code <task>.patch} beside it for a worktree task that
     * changed files); a re-driven task's old dead letter is removed.
     *
     * @param exchange the exchange after {@code opencode:dispatch}
     * @throws InvalidPayloadException when the body is not a dispatch result
     */
    @Override
    public void resultRecord(Exchange exchange) throws InvalidPayloadException {
        String task = taskName(exchange);
        TaskRecordWriter.writeResult(exchange, task, outbox);
        removeOldDeadLetter(exchange, task);
    }

    /**
     * Writes the error record {@code <task>.error.json} (and the last attempt's {@code <task>.patch} in the dead-letter
     * folder); an invalid task is named by its file.
     *
     * @param exchange the exchange in the dead letter route
     */
    @Override
    public void errorRecord(Exchange exchange) {
        TaskRecordWriter.writeError(exchange, taskName(exchange), outbox == null ? null : deadLetter);
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

    /**
     * Removes the old dead letter (record and original file) of a re-driven task that completed; nothing for a task
     * that is no re-drive ({@value RunnerConstants#REDRIVEN_FILE} unset) or without a dead-letter folder.
     *
     * @param exchange the exchange of the completed task
     * @param task the task name
     */
    void removeOldDeadLetter(Exchange exchange, String task) {
        String originalFile = exchange.getProperty(RunnerConstants.REDRIVEN_FILE, String.class);
        if (deadLetter == null || originalFile == null) {
            return;
        }
        for (Path stale : List.of(deadLetter.resolve(TaskRecords.errorFileName(task)), deadLetter.resolve(originalFile),
                deadLetter.resolve(TaskRecords.patchFileName(task)))) {
            try {
                Files.deleteIfExists(stale);
            } catch (IOException failure) {
                LOG.warn("Task {} completed, but its old dead letter {} could not be removed: {}", task, stale, failure.getMessage());
            }
        }
    }

    /** The task read, else the name of the file it came from ({@code x.md} and {@code x.error.json} are task x). */
    private static String taskName(Exchange exchange) {
        String fileName = exchange.getMessage().getHeader(Exchange.FILE_NAME_ONLY, String.class);
        String fromFile = null;
        if (fileName != null) {
            String name = Path.of(fileName).getFileName().toString();
            fromFile = TaskReader.isErrorRecord(name)
                    ? name.substring(0, name.length() - TaskReader.ERROR_RECORD_SUFFIX.length())
                    : TaskReader.taskName(name);
        }
        return TaskRecordWriter.taskName(exchange,
                fromFile != null ? fromFile : exchange.getMessage().getHeader(OpenCodeConstants.TASK_NAME, "task", String.class));
    }
}
