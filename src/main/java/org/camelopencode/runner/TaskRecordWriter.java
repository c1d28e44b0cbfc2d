package org.camelopencode.runner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Message;
import org.camelopencode.component.AttemptHistory;
import org.camelopencode.component.OpenCodeConstants;
import org.camelopencode.component.WorkspaceOutcome;
import org.camelopencode.dispatch.DispatchResult;
import org.camelopencode.failure.FailureKind;
import org.camelopencode.failure.OpenCodeFailureException;
import org.camelopencode.task.ErrorRecord;
import org.camelopencode.task.ResultRecord;
import org.camelopencode.task.TaskRecords;
import org.camelopencode.task.TaskSpec;
import org.camelopencode.task.TokenCounts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the result and error records of every trigger (file drop, JMS, Kafka, schedule, pipeline stages): the body
 * becomes the record's JSON ({@link TaskRecords}) and the message gets the headers its destination needs.
 *
 * <ul>
 *   <li>{@code CamelFileName}: the record's file name, for a {@code file:} destination;</li>
 *   <li>{@code CamelOpenCodeTaskName} and the message property {@value RunnerConstants#MESSAGE_TASK_NAME}: the
 *       task;</li>
 *   <li>{@value RunnerConstants#MESSAGE_STATUS}: {@code completed} or {@code failed}; on an error record also
 *       {@code CamelOpenCodeFailureKind} and {@value RunnerConstants#MESSAGE_FAILURE_KIND}: the kind's wire name.</li>
 * </ul>
 * The attempts are the exchange's {@link AttemptHistory}; the task is the exchange property
 * {@value RunnerConstants#TASK}; the {@code workspace}, {@code changes}, {@code commit} and {@code branch} of a task with
 * a workspace are the latest attempt's {@link WorkspaceOutcome}. Given a patch folder (the file drop's outbox or dead
 * letter), a non-empty patch is written there as {@code <task>.patch} before the record, which names it as
 * {@code patch}; message triggers write no patch file (the branch of a committed task holds the same change).
 */
public final class TaskRecordWriter {

    private static final Logger LOG = LoggerFactory.getLogger(TaskRecordWriter.class);

    private TaskRecordWriter() {
    }

    /**
     * The name records use for the exchange's task.
     *
     * @param exchange the exchange
     * @param fallback the trigger's name for it, used when no task was read (the task was invalid)
     * @return the name of the task in {@value RunnerConstants#TASK}, else {@code fallback}
     */
    public static String taskName(Exchange exchange, String fallback) {
        TaskSpec task = exchange.getProperty(RunnerConstants.TASK, TaskSpec.class);
        return task == null ? fallback : task.name();
    }

    /**
     * Replaces the body (a dispatch result) with the result record, named {@code <task>.result.json}.
     *
     * @param exchange the exchange after {@code opencode:dispatch}
     * @param task the task name
     * @throws InvalidPayloadException when the body is not a {@link DispatchResult}
     */
    public static void writeResult(Exchange exchange, String task) throws InvalidPayloadException {
        writeResult(exchange, task, null);
    }

    /**
     * As {@link #writeResult(Exchange, String)}, with the attempt's patch written as {@code <patchFolder>/<task>.patch}.
     *
     * @param exchange the exchange after {@code opencode:dispatch}
     * @param task the task name
     * @param patchFolder where the patch goes (the outbox), or {@code null} for no patch file
     * @throws InvalidPayloadException when the body is not a {@link DispatchResult}
     */
    public static void writeResult(Exchange exchange, String task, Path patchFolder) throws InvalidPayloadException {
        ResultRecord record = completed(exchange, task);
        WorkspaceOutcome outcome = WorkspaceOutcome.of(exchange);
        if (outcome != null) {
            record = record.withWorkspace(outcome.workspace(), outcome.fileChanges(), writePatch(outcome, task, patchFolder), outcome.commit());
        }
        write(exchange, record, TaskRecords.resultFileName(task));
    }

    /**
     * Replaces the body (a pipeline stage's dispatch result) with the stage's result record, with {@code runId} and
     * {@code stage}, named {@code <task>.<stage>.result.json}.
     *
     * @param exchange the exchange after the stage's {@code opencode:dispatch}
     * @param task the task name
     * @param runId the pipeline run
     * @param stage the stage, for example {@code plan}
     * @throws InvalidPayloadException when the body is not a {@link DispatchResult}
     */
    public static void writeStageResult(Exchange exchange, String task, String runId, String stage)
            throws InvalidPayloadException {
        write(exchange, completed(exchange, task).withStage(runId, stage), TaskRecords.stageResultFileName(task, stage));
    }

    /**
     * Replaces the body with the error record of the caught exception ({@code Exchange.EXCEPTION_CAUGHT}), named
     * {@code <task>.error.json}. An exception that is not an {@link OpenCodeFailureException} is recorded as
     * {@code agent_error} with its message. The record's {@code file} is {@value RunnerConstants#REDRIVEN_FILE}, else
     * the consumed file's name ({@code CamelFileNameOnly}), else omitted.
     *
     * @param exchange the exchange in a dead letter route
     * @param task the task name
     */
    public static void writeError(Exchange exchange, String task) {
        writeError(exchange, task, null);
    }

    /**
     * As {@link #writeError(Exchange, String)}, with the last attempt's patch written as {@code <patchFolder>/<task>.patch}.
     *
     * @param exchange the exchange in a dead letter route
     * @param task the task name
     * @param patchFolder where the patch goes (the dead-letter folder), or {@code null} for no patch file
     */
    public static void writeError(Exchange exchange, String task, Path patchFolder) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        OpenCodeFailureException failure = caught instanceof OpenCodeFailureException classified
                ? classified
                : new OpenCodeFailureException(FailureKind.AGENT_ERROR, String.valueOf(caught), null, null, caught);
        Message message = exchange.getMessage();
        String file = exchange.getProperty(RunnerConstants.REDRIVEN_FILE,
                message.getHeader(Exchange.FILE_NAME_ONLY, String.class), String.class);
        ErrorRecord record = ErrorRecord.of(task, failure, AttemptHistory.of(exchange), file,
                exchange.getProperty(RunnerConstants.TASK, TaskSpec.class));
        WorkspaceOutcome outcome = WorkspaceOutcome.of(exchange);
        if (outcome != null) {
            record = record.withWorkspace(outcome.workspace(), outcome.fileChanges(), writePatch(outcome, task, patchFolder));
        }
        message.setBody(TaskRecords.toJson(record));
        message.setHeader(Exchange.FILE_NAME, TaskRecords.errorFileName(task));
        name(message, task, ErrorRecord.FAILED);
        message.setHeader(OpenCodeConstants.FAILURE_KIND, record.failure());
        message.setHeader(RunnerConstants.MESSAGE_FAILURE_KIND, record.failure());
    }

    /** The patch's file name once written, or {@code null} when there is none, no folder, or it could not be written. */
    private static String writePatch(WorkspaceOutcome outcome, String task, Path folder) {
        byte[] patch = outcome.changes().patch();
        if (folder == null || patch.length == 0) {
            return null;
        }
        String name = TaskRecords.patchFileName(task);
        try {
            Files.createDirectories(folder);
            Files.write(folder.resolve(name), patch);
            return name;
        } catch (IOException failure) {
            LOG.warn("Task {}: the patch {} could not be written to {} ({}); the record lists the changes without it", task, name, folder,
                    failure.getMessage());
            return null;
        }
    }

    private static ResultRecord completed(Exchange exchange, String task) throws InvalidPayloadException {
        DispatchResult result = exchange.getMessage().getMandatoryBody(DispatchResult.class);
        return ResultRecord.completed(task, result.sessionId(), result.model(), result.text(), result.json(),
                TokenCounts.of(result.tokens()), result.cost(), AttemptHistory.of(exchange), result.duration().toMillis());
    }

    private static void write(Exchange exchange, ResultRecord record, String fileName) {
        Message message = exchange.getMessage();
        message.setBody(TaskRecords.toJson(record));
        message.setHeader(Exchange.FILE_NAME, fileName);
        name(message, record.task(), ResultRecord.COMPLETED);
    }

    private static void name(Message message, String task, String status) {
        message.setHeader(OpenCodeConstants.TASK_NAME, task);
        message.setHeader(RunnerConstants.MESSAGE_TASK_NAME, task);
        message.setHeader(RunnerConstants.MESSAGE_STATUS, status);
    }
}
