package org.camelopencode.runner;

import org.camelopencode.component.OpenCodeConstants;

/**
 * The names the runner's routes ({@code routes/*.yaml}) and steps share, besides the component's own headers
 * ({@link OpenCodeConstants}, {@code CamelOpenCode*}).
 *
 * <ul>
 *   <li><b>Exchange properties</b> ({@code CamelOpenCode*}) live inside one runner: Camel keeps them across the
 *       playbook's redeliveries and a dead letter's {@code useOriginalMessage}, which restore the message.</li>
 *   <li><b>Message properties</b> ({@code OpenCode*}, without the {@code Camel} prefix) travel with a message to and
 *       from a broker: Camel's JMS and Kafka bindings drop {@code Camel*} headers, so senders name a task with
 *       these and JMS selectors or Kafka consumers read a record's status and failure kind from them.</li>
 * </ul>
 */
public final class RunnerConstants {

    /**
     * Exchange property, a {@code String} endpoint URI: the dead letter route of the exchange's trigger
     * ({@code direct:...}). Set by {@code routes/templates.yaml} from the template's {@code deadLetter} parameter and
     * by {@code routes/pipeline.yaml}; read by the shared dead letter of {@code routes/playbook.yaml}, which falls back to
     * the file drop's ({@code direct:opencode-file-dead-letter}) when it is unset.
     */
    public static final String DEAD_LETTER_ROUTE = "CamelOpenCodeDeadLetter";

    /**
     * Exchange property, a {@code String} endpoint URI: where the exchange's trigger writes its result records. Set by
     * {@code routes/templates.yaml} from the {@code opencode-task} template's {@code results} parameter; read by
     * {@link KafkaTaskSteps#resultRecord} to look for a result a stopped runner already wrote.
     */
    public static final String RESULTS_ENDPOINT = "CamelOpenCodeResults";

    /**
     * Exchange property, a {@code Boolean}: {@code true} when the task's result record is already on its results
     * endpoint (written by a runner that stopped before it released the task), so {@code routes/templates.yaml} does
     * not write it again. Set by {@link KafkaTaskSteps#resultRecord}.
     */
    public static final String RESULT_ALREADY_WRITTEN = "CamelOpenCodeResultAlreadyWritten";

    /** Exchange property, a {@link org.camelopencode.task.TaskSpec}: the task as {@link TaskSteps#readTask} read it. */
    public static final String TASK = "CamelOpenCodeTask";

    /**
     * Exchange property, a {@code String}: the name of the task file that failed before (for example {@code fix-bug.md}),
     * when the task is a re-drive of a file drop; its old dead letter is removed once the task completes.
     */
    public static final String REDRIVEN_FILE = "CamelOpenCodeRedrivenFile";

    /** Exchange property, a {@link org.camelopencode.task.TaskSpec}: a pipeline's task before any stage changed its prompt. */
    public static final String PIPELINE_TASK = "CamelOpenCodePipelineTask";

    /** Exchange property, a {@code String}: the name of the pipeline stage that ran last, for example {@code plan}. */
    public static final String PREVIOUS_STAGE = "CamelOpenCodePreviousStage";

    /** Exchange property, a {@code String}: the result text of the pipeline stage that ran last. */
    public static final String PREVIOUS_RESULT = "CamelOpenCodePreviousResult";

    /** Message property, a {@code String}: the task's name (read from a task message, set on its records). */
    public static final String MESSAGE_TASK_NAME = "OpenCodeTaskName";

    /** Message property, a {@code String}: the task's ledger key, as the sender gives it (read from a task message). */
    public static final String MESSAGE_TASK_KEY = "OpenCodeTaskKey";

    /**
     * Message property, a {@code String}: ActiveMQ Artemis' duplicate detection id ({@code _AMQ_DUPL_ID},
     * {@code org.apache.activemq.artemis.api.core.Message.HDR_DUPLICATE_DETECTION_ID}), set on the result record of a JMS
     * message to {@code opencode-result:<JMSMessageID>} by {@link MessageTaskSteps#resultRecord}. The broker drops a
     * second message with the same id on the same address (it remembers the last {@code id-cache-size} ids, 20,000 by
     * default, across restarts): a message redelivered after its runner sent the result and died before its transaction
     * committed is answered from the ledger, and its result is not queued twice.
     */
    public static final String ARTEMIS_DUPLICATE_ID = "_AMQ_DUPL_ID";

    /** Message property, a {@code String}: the record's status, {@code completed} or {@code failed} (set on records). */
    public static final String MESSAGE_STATUS = "OpenCodeStatus";

    /** Message property, a {@code String}: an error record's failure kind, for example {@code auth_failed}. */
    public static final String MESSAGE_FAILURE_KIND = "OpenCodeFailureKind";

    /**
     * Message property, a {@code String}: why an approval could not be applied, set by {@code routes/approvals.yaml} on
     * the approval it sends to {@code opencode.approvals.rejected-queue}.
     */
    public static final String APPROVAL_ERROR = "OpenCodeApprovalError";

    /**
     * Exchange property, a {@code Boolean}: whether the Kafka consumer hands the record to the worker route
     * ({@code routes/kafka.yaml}); {@code false} when its key runs elsewhere, already runs here, or completed.
     */
    public static final String KAFKA_HAND_OVER = "CamelOpenCodeKafkaHandOver";

    /** The worker route's endpoint of Kafka tasks (claimed records and swept take-overs), {@code routes/kafka.yaml}. */
    public static final String KAFKA_WORK = "seda:opencode-kafka-work";

    private RunnerConstants() {
    }
}
