package org.camelopencode.runner;

import java.nio.file.Path;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Message;
import org.camelopencode.component.OpenCodeConstants;
import org.camelopencode.dispatch.DispatchResult;
import org.camelopencode.failure.FailureKind;
import org.camelopencode.failure.OpenCodeFailureException;
import org.camelopencode.task.ErrorRecord;
import org.camelopencode.task.ResultRecord;
import org.camelopencode.task.TaskReader;
import org.camelopencode.task.TaskRecords;
import org.camelopencode.task.TaskSpec;
import org.camelopencode.task.TokenCounts;

/**
 * The steps of {@code routes/file-drop.yaml} that are not Camel EIPs: reading a task file, and
 * writing the result and error records of the file-drop contract. Bound as {@code fileDropSteps}.
 */
public class FileDropSteps {

    private final TaskReader reader = new TaskReader();

    /**
     * Replaces the body (a task file) with its {@link TaskSpec} and sets {@code CamelOpenCodeTaskName}.
     *
     * @param exchange the exchange from the file consumer
     * @throws OpenCodeFailureException {@code invalid_task} when the file is not a valid task
     */
    public void readTask(Exchange exchange) {
        Message message = exchange.getMessage();
        String fileName = message.getHeader(Exchange.FILE_NAME_ONLY, String.class);
        byte[] content = message.getBody(byte[].class);
        if (content == null) {
            throw new OpenCodeFailureException(FailureKind.INVALID_TASK, fileName + ": the file could not be read");
        }
        TaskSpec task = reader.read(fileName, content);
        message.setHeader(OpenCodeConstants.TASK_NAME, task.name());
        message.setBody(task);
    }

    /**
     * Replaces the body (a {@link DispatchResult}) with the result record JSON and names the file
     * {@code <task>.result.json}.
     *
     * @param exchange the exchange after {@code opencode:dispatch}
     * @throws InvalidPayloadException when the body is not a dispatch result
     */
    public void resultRecord(Exchange exchange) throws InvalidPayloadException {
        Message message = exchange.getMessage();
        DispatchResult result = message.getMandatoryBody(DispatchResult.class);
        String task = taskName(exchange);
        ResultRecord record = ResultRecord.completed(task, result.sessionId(), result.model(), result.text(), result.json(),
                new TokenCounts(result.tokens().input(), result.tokens().output(), result.tokens().reasoning()),
                result.cost(), attemptsOf(exchange), result.duration().toMillis());
        message.setBody(TaskRecords.toJson(record));
        message.setHeader(Exchange.FILE_NAME, TaskRecords.resultFileName(task));
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
        int attempts = failure.getKind() == FailureKind.INVALID_TASK ? 0 : attemptsOf(exchange);
        Message message = exchange.getMessage();
        message.setHeader(OpenCodeConstants.TASK_NAME, task);
        message.setHeader(OpenCodeConstants.FAILURE_KIND, failure.getKind().wireName());
        message.setBody(TaskRecords.toJson(ErrorRecord.of(task, failure, attempts)));
        message.setHeader(Exchange.FILE_NAME, TaskRecords.errorFileName(task));
    }

    private static String taskName(Exchange exchange) {
        String fileName = exchange.getMessage().getHeader(Exchange.FILE_NAME_ONLY, String.class);
        if (fileName != null) {
            return TaskReader.taskName(Path.of(fileName).getFileName().toString());
        }
        return exchange.getMessage().getHeader(OpenCodeConstants.TASK_NAME, "task", String.class);
    }

    private static int attemptsOf(Exchange exchange) {
        Integer attempt = exchange.getProperty(OpenCodeConstants.ATTEMPT, Integer.class);
        if (attempt == null) {
            attempt = exchange.getMessage().getHeader(OpenCodeConstants.ATTEMPT, Integer.class);
        }
        return attempt == null ? 1 : attempt;
    }
}
