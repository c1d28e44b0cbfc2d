package org.camelopencode.runner;

import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaEndpoint;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.camelopencode.component.OpenCodeComponent;
import org.camelopencode.component.OpenCodeConstants;
import org.camelopencode.ledger.Claim;
import org.camelopencode.ledger.ClaimState;
import org.camelopencode.ledger.ClusterNode;
import org.camelopencode.ledger.DispatchLedger;
import org.camelopencode.ledger.LedgerEntry;
import org.camelopencode.ledger.TaskClaims;
import org.camelopencode.ledger.TaskKeys;
import org.camelopencode.observe.DispatchMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link TaskSteps} of Kafka records ({@code routes/kafka.yaml}): those of {@link MessageTaskSteps}, with the
 * record key as the task's name and the record (key, else topic-partition-offset) as its ledger key. The shipped
 * route claims the key and commits the offset in {@link #claimTask} and runs the task on a worker route; a route of
 * your own that dispatches in the consumer commits the offset in {@link #done} once the result or dead letter record
 * is written. Bound as {@code kafkaTaskSteps} (declared in {@code routes/templates.yaml}); the consumer needs
 * {@code autoCommitEnable=false&allowManualCommit=true}.
 */
public class KafkaTaskSteps extends MessageTaskSteps {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaTaskSteps.class);

    /** How long before its ledger entry ended a result record may be stamped (the clocks of runner and broker). */
    private static final Duration LOOK_BACK = Duration.ofMinutes(5);

    /** The longest a look-up in the results topic may take. */
    private static final Duration LOOK_UP_TIMEOUT = Duration.ofSeconds(30);

    /**
     * The consumer's step ({@code routes/kafka.yaml}): claims the record's task key and stores the task with the claim
     * (committed to the ledger), then commits the offset, so the agent's run never holds the poll loop and a runner
     * that dies afterwards leaves a claim whose lease expires (the take-over sweep runs it). Sets
     * {@value RunnerConstants#KAFKA_HAND_OVER}: whether the worker route gets the record ({@link KafkaHandOver}).
     * Without a ledger (or a key) the record is handed over unclaimed.
     *
     * @param exchange the exchange of the Kafka record
     * @throws org.camelopencode.ledger.LedgerException when the ledger cannot be written: nothing is committed, the
     *     consumer reads the record again
     */
    public void claimTask(Exchange exchange) {
        Message message = exchange.getMessage();
        OpenCodeComponent component = exchange.getContext().getComponent("opencode", OpenCodeComponent.class);
        DispatchLedger ledger = component.getLedger();
        String key = taskKey(message);
        KafkaHandOver handOver = KafkaHandOver.RUN;
        if (ledger != null && key != null) {
            ClusterNode node = component.getClusterNode();
            String recordKey = message.getHeader(KafkaConstants.KEY, String.class);
            Claim claim = ledger.claims().claim(key, node, recordKey, TaskClaims.KAFKA_TRIGGER, message.getBody(String.class));
            boolean completed = claim.state().mayRun() && ledger.findCompleted(key).isPresent();
            handOver = KafkaHandOver.decide(claim.state(), completed, node.clustered());
            if (claim.state() == ClaimState.TAKEN_OVER) {
                countTakeover(component);
            }
            if (handOver == KafkaHandOver.COMPLETED) {
                ledger.claims().release(key, node.nodeId());
            }
            if (!handOver.run()) {
                LOG.info("Kafka record {} (key {}): {}, not run here ({})", key, recordKey, handOver.reason(),
                        claim.state() == ClaimState.HELD_BY_LIVE_OWNER ? "owner " + claim.owner() : "node " + node.nodeId());
            }
            message.setHeader(OpenCodeConstants.TASK_KEY, key);
        }
        done(exchange);
        message.removeHeader(KafkaConstants.MANUAL_COMMIT);
        exchange.setProperty(RunnerConstants.KAFKA_HAND_OVER, handOver.run());
    }

    /**
     * Writes the result record ({@link MessageTaskSteps#resultRecord}); for a result the ledger answered
     * ({@code CamelOpenCodeAnsweredFromLedger}: a take-over of a task its dead owner completed) it first looks in the
     * results topic ({@value RunnerConstants#RESULTS_ENDPOINT}, a {@code kafka:} endpoint) for the record that runner
     * may have written before it was killed ({@link KafkaResultLookup}, from 5 minutes before the entry ended), and sets
     * {@value RunnerConstants#RESULT_ALREADY_WRITTEN} when it is there, so the route does not write it twice. A look-up
     * that fails writes the record (a possible duplicate, logged, beats a lost result).
     *
     * @param exchange the exchange after {@code opencode:dispatch}
     * @throws InvalidPayloadException when the body is not a dispatch result
     */
    @Override
    public void resultRecord(Exchange exchange) throws InvalidPayloadException {
        super.resultRecord(exchange);
        Message message = exchange.getMessage();
        if (!message.getHeader(OpenCodeConstants.ANSWERED_FROM_LEDGER, false, Boolean.class)) {
            return;
        }
        String taskKey = message.getHeader(OpenCodeConstants.TASK_KEY, String.class);
        String recordKey = message.getHeader(KafkaConstants.KEY, String.class);
        DispatchLedger ledger = exchange.getContext().getComponent("opencode", OpenCodeComponent.class).getLedger();
        Endpoint results = resultsEndpoint(exchange);
        if (ledger == null || taskKey == null || recordKey == null || !(results instanceof KafkaEndpoint kafka)) {
            return;
        }
        Optional<LedgerEntry> completed = ledger.findCompleted(taskKey);
        if (completed.isEmpty() || completed.get().sessionId() == null || completed.get().endedAt() == null) {
            return;
        }
        LedgerEntry entry = completed.get();
        String topic = kafka.getConfiguration().getTopic();
        try {
            Optional<String> written = KafkaResultLookup.findWritten(consumerProperties(kafka), topic,
                    recordKey, entry.sessionId(), entry.endedAt().minus(LOOK_BACK), LOOK_UP_TIMEOUT);
            if (written.isPresent()) {
                LOG.info("Task {} (key {}): its result record is already on {} ({}), written by the runner that completed it"
                        + " before it stopped: not written again", recordKey, taskKey, topic, written.get());
                exchange.setProperty(RunnerConstants.RESULT_ALREADY_WRITTEN, true);
            } else {
                LOG.info("Task {} (key {}): the runner that completed it stopped before writing its result to {}: writing it now",
                        recordKey, taskKey, topic);
            }
        } catch (RuntimeException notRead) {
            LOG.warn("Task {} (key {}): could not look in {} for the result its stopped runner may have written ({}): writing it"
                    + " (it may be there twice)", recordKey, taskKey, topic, causes(notRead));
        }
    }

    /** @return the client properties of the results endpoint (its security settings), with its brokers */
    private static Properties consumerProperties(KafkaEndpoint results) {
        Properties properties = results.getConfiguration().createConsumerProperties();
        String brokers = results.getConfiguration().getBrokers();
        if (brokers != null && !brokers.isBlank()) {
            properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        }
        return properties;
    }

    /** @return the messages of a failure and its causes, joined by {@code ": "} (Kafka's client wraps the telling one) */
    private static String causes(Throwable failure) {
        StringBuilder text = new StringBuilder(String.valueOf(failure.getMessage()));
        for (Throwable cause = failure.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            text.append(": ").append(cause.getMessage());
        }
        return text.toString();
    }

    private static Endpoint resultsEndpoint(Exchange exchange) {
        String uri = exchange.getProperty(RunnerConstants.RESULTS_ENDPOINT, String.class);
        return uri == null ? null : exchange.getContext().getEndpoint(uri);
    }

    static void countTakeover(OpenCodeComponent component) {
        DispatchMetrics metrics = component.dispatchMetrics();
        if (metrics != null) {
            metrics.takeover();
        }
    }

    /**
     * Commits the record's offset ({@code CamelKafkaManualCommit}, present when the consumer has
     * {@code allowManualCommit=true}); nothing for a message without one.
     *
     * @param exchange the exchange after its record was written
     */
    @Override
    public void done(Exchange exchange) {
        KafkaManualCommit commit = exchange.getMessage().getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class);
        if (commit != null) {
            commit.commit();
        }
    }

    /**
     * @param message the task message
     * @return the Kafka ledger key of the record ({@code kafka.TOPIC}, {@code kafka.PARTITION}, {@code kafka.OFFSET},
     *     {@code kafka.KEY} headers), or {@code null} for a message that is not a Kafka record
     */
    @Override
    protected String triggerKey(Message message) {
        String topic = message.getHeader(KafkaConstants.TOPIC, String.class);
        if (topic == null) {
            return null;
        }
        return TaskKeys.ofKafka(topic, message.getHeader(KafkaConstants.PARTITION, Integer.class),
                message.getHeader(KafkaConstants.OFFSET, Long.class), message.getHeader(KafkaConstants.KEY, String.class));
    }

    /**
     * @param message the task message
     * @return the record key ({@code kafka.KEY}), or {@code null}
     */
    @Override
    protected String triggerName(Message message) {
        return message.getHeader(KafkaConstants.KEY, String.class);
    }
}
