package org.camelopencode.runner;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.camelopencode.component.OpenCodeComponent;
import org.camelopencode.component.OpenCodeConstants;
import org.camelopencode.ledger.Claim;
import org.camelopencode.ledger.ClaimState;
import org.camelopencode.ledger.ClusterNode;
import org.camelopencode.ledger.DispatchLedger;
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
            Claim claim = ledger.claims().claim(key, node, recordKey, "kafka", message.getBody(String.class));
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
