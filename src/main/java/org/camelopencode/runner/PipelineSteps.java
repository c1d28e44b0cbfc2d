package org.camelopencode.runner;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Message;
import org.camelopencode.component.AttemptHistory;
import org.camelopencode.component.OpenCodeConstants;
import org.camelopencode.dispatch.DispatchResult;
import org.camelopencode.task.TaskSpec;

/**
 * The steps of a multi-stage run ({@code routes/pipeline.yaml}): one task, several stages (for example
 * plan, implement, review), each in a fresh session titled {@code <task> [run R, stage S, attempt N]}.
 * A stage gets the task and the previous stage's result text (its summary, not its transcript); the
 * run id and stage travel as the {@code CamelOpenCodeRunId} / {@code CamelOpenCodeStage} headers and
 * into each stage's record {@code <task>.<stage>.result.json}.
 */
public class PipelineSteps {

    /** The longest previous result passed on, in characters; longer ones are cut with a note. */
    static final int MAX_SUMMARY_CHARACTERS = 8000;

    private static final DateTimeFormatter RUN_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private final FileDropSteps files;

    /** @param files the file-drop steps that read task files and remove a re-driven task's old dead letter */
    public PipelineSteps(FileDropSteps files) {
        this.files = files;
    }

    /**
     * Reads the task file and starts the run: run id from the {@code CamelOpenCodeRunId} header or the
     * task's {@code runId}, else {@code <task>-<time>}.
     *
     * @param exchange the exchange from the pipeline inbox
     */
    public void start(Exchange exchange) {
        files.readTask(exchange);
        TaskSpec task = exchange.getMessage().getBody(TaskSpec.class);
        String runId = exchange.getMessage().getHeader(OpenCodeConstants.RUN_ID, task.runId(), String.class);
        if (runId == null || runId.isBlank()) {
            runId = task.name() + "-" + ZonedDateTime.now(ZoneOffset.UTC).format(RUN_TIME);
        }
        exchange.getMessage().setHeader(OpenCodeConstants.RUN_ID, runId);
        exchange.setProperty(RunnerConstants.PIPELINE_TASK, task);
    }

    /**
     * Makes the body the task of one stage: its instruction, the task, and the previous stage's result.
     * Each stage starts at attempt 1 with its own attempt history.
     *
     * @param exchange the exchange
     * @param stage the stage name, for example {@code plan}
     * @param instruction what this stage must do
     */
    public void stage(Exchange exchange, String stage, String instruction) {
        TaskSpec task = exchange.getProperty(RunnerConstants.PIPELINE_TASK, TaskSpec.class);
        Message message = exchange.getMessage();
        StringBuilder prompt = new StringBuilder(instruction.strip()).append("\n\nTask:\n").append(task.prompt());
        String previousStage = exchange.getProperty(RunnerConstants.PREVIOUS_STAGE, String.class);
        if (previousStage != null) {
            prompt.append("\n\nResult of the previous stage (").append(previousStage).append("):\n")
                    .append(summary(exchange.getProperty(RunnerConstants.PREVIOUS_RESULT, "", String.class)));
        }
        String runId = message.getHeader(OpenCodeConstants.RUN_ID, String.class);
        message.setBody(task.withPrompt(prompt.toString()).withRunId(runId).withStage(stage));
        message.setHeader(OpenCodeConstants.STAGE, stage);
        // A new stage is a new task for the playbook: attempt 1, no redeliveries carried over.
        message.removeHeaders("CamelRedelivery*");
        message.removeHeader(Exchange.REDELIVERED);
        message.setHeader(OpenCodeConstants.ATTEMPT, 1);
        AttemptHistory.start(exchange, List.of());
    }

    /**
     * Turns the stage's dispatch result into its record {@code <task>.<stage>.result.json}, with {@code runId} and
     * {@code stage} ({@link TaskRecordWriter#writeStageResult}), and keeps its text for the next stage. A re-driven
     * task's old dead letter is removed once a stage completes, as {@link FileDropSteps#resultRecord} does.
     *
     * @param exchange the exchange after {@code opencode:dispatch}
     * @throws InvalidPayloadException when the body is not a dispatch result
     */
    public void stageResult(Exchange exchange) throws InvalidPayloadException {
        Message message = exchange.getMessage();
        DispatchResult result = message.getMandatoryBody(DispatchResult.class);
        String stage = message.getHeader(OpenCodeConstants.STAGE, String.class);
        exchange.setProperty(RunnerConstants.PREVIOUS_STAGE, stage);
        exchange.setProperty(RunnerConstants.PREVIOUS_RESULT, result.text());
        String task = message.getHeader(OpenCodeConstants.TASK_NAME, String.class);
        TaskRecordWriter.writeStageResult(exchange, task, message.getHeader(OpenCodeConstants.RUN_ID, String.class), stage);
        files.removeOldDeadLetter(exchange, task);
    }

    private static String summary(String text) {
        if (text.length() <= MAX_SUMMARY_CHARACTERS) {
            return text;
        }
        return text.substring(0, MAX_SUMMARY_CHARACTERS) + "\n[... cut: " + (text.length() - MAX_SUMMARY_CHARACTERS)
                + " more characters]";
    }
}
