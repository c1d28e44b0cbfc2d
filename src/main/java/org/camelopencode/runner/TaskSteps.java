package org.camelopencode.runner;

import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;

/**
 * The steps of a task route that are not Camel EIPs: the {@code steps} bean of the route templates in
 * {@code routes/templates.yaml}, one implementation per kind of trigger.
 *
 * <ul>
 *   <li>{@link FileDropSteps} ({@code fileDropSteps}): task files and error records moved back into an inbox.</li>
 *   <li>{@link MessageTaskSteps} ({@code messageTaskSteps}, the templates' default): JMS messages and schedule fires.</li>
 *   <li>{@link KafkaTaskSteps} ({@code kafkaTaskSteps}): Kafka records, whose offset is committed in {@link #done}.</li>
 * </ul>
 *
 * <p>The order on one exchange is {@link #readTask}, {@code opencode:dispatch}, then {@link #resultRecord} and
 * {@link #done}; a failure goes through the playbook to its dead letter route, which calls {@link #errorRecord} and
 * {@link #done}. Both records are built by {@link TaskRecordWriter}, whatever the trigger. Implementations are
 * stateless and shared by every exchange of their routes.
 */
public interface TaskSteps {

    /**
     * Replaces the body (a task in a trigger's form) with its {@link org.camelopencode.task.TaskSpec}, and sets the
     * header {@code CamelOpenCodeTaskName}, the exchange property {@value RunnerConstants#TASK}, the attempt history
     * (the earlier attempts of a re-drive) and, when the trigger identifies the task, the ledger key
     * {@code CamelOpenCodeTaskKey}.
     *
     * @param exchange the exchange from the trigger
     * @throws org.camelopencode.failure.OpenCodeFailureException {@code invalid_task} when the body is not a valid task
     */
    void readTask(Exchange exchange);

    /**
     * Replaces the body (a {@link org.camelopencode.dispatch.DispatchResult}) with the result record JSON
     * ({@link TaskRecordWriter#writeResult}).
     *
     * @param exchange the exchange after {@code opencode:dispatch}
     * @throws InvalidPayloadException when the body is not a dispatch result
     */
    void resultRecord(Exchange exchange) throws InvalidPayloadException;

    /**
     * Replaces the body with the error record JSON of the caught exception ({@link TaskRecordWriter#writeError}).
     *
     * @param exchange the exchange in the dead letter route
     */
    void errorRecord(Exchange exchange);

    /**
     * Ends the task at its trigger once its result or error record is written. Nothing by default: the file consumer
     * archives its file and the JMS consumer acknowledges its message when the exchange completes.
     *
     * @param exchange the exchange after its record was written
     */
    default void done(Exchange exchange) {
        // nothing to do for most triggers
    }
}
