package org.camelopencode.runner;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.service.ServiceSupport;
import org.camelopencode.component.OpenCodeComponent;
import org.camelopencode.component.OpenCodeConstants;
import org.camelopencode.ledger.Claim;
import org.camelopencode.ledger.ClaimState;
import org.camelopencode.ledger.ClusterNode;
import org.camelopencode.ledger.DispatchLedger;
import org.camelopencode.ledger.LedgerException;
import org.camelopencode.ledger.TaskClaim;
import org.camelopencode.ledger.TaskClaims;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka's take-over sweep (README "Running several runners"): a Kafka task's offset is committed once it is claimed,
 * so a runner that dies afterwards leaves no redelivery, only a claim whose lease expires. Every lease/2 each runner
 * takes over its share ({@link TakeOverShare}: the expired ones over the live runners of {@code cluster_nodes}) of the
 * expired Kafka claims ({@code trigger_name = 'kafka'}, oldest lease first; the conditional update lets one runner win
 * each) and sends their stored task to the worker route {@value RunnerConstants#KAFKA_WORK}: there the dispatch
 * re-attaches the session the dead runner recorded, or starts the stored task afresh when it recorded none.
 */
final class KafkaTakeOverSweep extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaTakeOverSweep.class);

    private final CamelContext context;
    private final OpenCodeComponent component;
    private ScheduledExecutorService sweeper;
    private ProducerTemplate producer;

    /**
     * @param context the runner's context (its executor and producer)
     * @param component the component whose ledger and node it uses
     */
    KafkaTakeOverSweep(CamelContext context, OpenCodeComponent component) {
        this.context = context;
        this.component = component;
    }

    @Override
    protected void doStart() {
        if (component.getLedger() == null) {
            LOG.info("Kafka take-over sweep: off (no ledger)");
            return;
        }
        producer = context.createProducerTemplate();
        long every = Math.max(1, component.getClusterNode().sweepEvery().toMillis());
        sweeper = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "opencode-kafka-sweep");
        sweeper.scheduleWithFixedDelay(this::sweepQuietly, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() throws Exception {
        if (sweeper != null) {
            context.getExecutorServiceManager().shutdownNow(sweeper);
            sweeper = null;
        }
        if (producer != null) {
            producer.stop();
            producer = null;
        }
    }

    private void sweepQuietly() {
        try {
            sweep();
        } catch (RuntimeException failed) {
            LOG.warn("Kafka take-over sweep failed (next sweep in {}): {}", component.getClusterNode().sweepEvery(), failed.getMessage());
        }
    }

    /**
     * One sweep: takes over this runner's share of the expired Kafka claims ({@link TakeOverShare}) and hands each task
     * it wins to the worker route. Reads {@code task_claims} (expired) and {@code cluster_nodes} (live runners).
     *
     * @return how many tasks it took over
     * @throws LedgerException when the ledger cannot be read
     */
    int sweep() {
        DispatchLedger ledger = component.getLedger();
        ClusterNode node = component.getClusterNode();
        List<TaskClaim> expired = new ArrayList<>();
        for (TaskClaim claim : ledger.claims().expired()) {
            if (TaskClaims.KAFKA_TRIGGER.equals(claim.trigger()) && claim.taskBody() != null) {
                expired.add(claim);
            }
        }
        if (expired.isEmpty()) {
            return 0;
        }
        int liveRunners = 1 + (int) ledger.claims().nodes().stream()
                .filter(lease -> lease.live() && !lease.nodeId().equals(node.nodeId())).count();
        int share = TakeOverShare.of(expired.size(), node.clustered() ? liveRunners : 1);
        int taken = 0;
        for (TaskClaim claimed : expired) {
            if (taken == share) {
                break;
            }
            Claim claim = ledger.claims().claim(claimed.taskKey(), node, claimed.taskName(), null, null);
            if (claim.state() != ClaimState.TAKEN_OVER) {
                continue; // another runner won it, or its owner renewed just now
            }
            KafkaTaskSteps.countTakeover(component);
            taken++;
            LOG.info("Kafka take-over: task {} was claimed by node {}, whose lease expired: running it here", claimed.taskKey(),
                    claim.owner());
            Map<String, Object> headers = new HashMap<>();
            headers.put(OpenCodeConstants.TASK_KEY, claimed.taskKey());
            if (claimed.taskName() != null) {
                headers.put(KafkaConstants.KEY, claimed.taskName());
            }
            producer.sendBodyAndHeaders(RunnerConstants.KAFKA_WORK, claimed.taskBody(), headers);
        }
        if (share < expired.size()) {
            LOG.info("Kafka take-over sweep: took {} of {} expired tasks, its share with {} live runners; the rest at the next sweep",
                    taken, expired.size(), liveRunners);
        }
        return taken;
    }
}
