package org.camelopencode.runner;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.camelopencode.ledger.TaskKeys;

/**
 * The {@link TaskSteps} of Kafka records ({@code routes/kafka.yaml}): those of {@link MessageTaskSteps}, with the
 * record key as the task's name and the record (key, else topic-partition-offset) as its ledger key, and the offset
 * committed once the result or dead letter record is written. Bound as {@code kafkaTaskSteps} (declared in
 * {@code routes/templates.yaml}); the consumer needs {@code autoCommitEnable=false&allowManualCommit=true}, so a
 * runner that dies mid-task gets the record again.
 */
public class KafkaTaskSteps extends MessageTaskSteps {

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
