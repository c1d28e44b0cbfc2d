package org.camelopencode.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.seda.SedaEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.camelopencode.component.OpenCodeComponent;
import org.camelopencode.component.OpenCodeConstants;
import org.camelopencode.ledger.ClusterNode;
import org.camelopencode.ledger.DispatchLedger;
import org.camelopencode.ledger.LedgerSettings;
import org.camelopencode.ledger.NodeLease;
import org.camelopencode.ledger.TaskClaim;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka's take-over sweep on a real H2 ledger shared by two live runners ({@code alpha}, {@code beta}, each its own
 * Camel context and worker queue {@value RunnerConstants#KAFKA_WORK}) after a third ({@code dead}) left ten Kafka claims
 * whose lease expired: the sweeps share them instead of the first sweeper taking all ten.
 */
class KafkaTakeOverSweepTest {

    private static final ClusterNode ALPHA = new ClusterNode("alpha", Duration.ofMinutes(1), null, true);
    private static final ClusterNode BETA = new ClusterNode("beta", Duration.ofMinutes(1), null, true);
    private static final ClusterNode DEAD = new ClusterNode("dead", Duration.ofMillis(30), null, true);

    @TempDir
    Path temporary;

    private DispatchLedger ledger;
    private final List<CamelContext> contexts = new ArrayList<>();
    private final List<KafkaTakeOverSweep> sweeps = new ArrayList<>();

    @BeforeEach
    void deadRunnerLeftTenExpiredKafkaClaims() {
        ledger = DispatchLedger.open(new LedgerSettings("jdbc:h2:file:" + temporary.resolve("ledger"), null, null));
        ledger.claims().register(DEAD);
        for (int task = 1; task <= 10; task++) {
            ledger.claims().claim("kafka:task-" + task, DEAD, "task-" + task, "kafka", "{\"prompt\":\"task " + task + "\"}");
        }
        ledger.claims().claim("inbox:/inbox/a.md", DEAD, "a.md", null, null); // not a Kafka claim: never swept here
        ledger.claims().expireOwn(DEAD.nodeId());
        await("the dead runner's node lease ends").atMost(Duration.ofSeconds(5))
                .until(() -> ledger.claims().nodes().stream().noneMatch(NodeLease::live));
    }

    @AfterEach
    void close() {
        sweeps.forEach(KafkaTakeOverSweep::stop);
        contexts.forEach(CamelContext::stop);
        ledger.close();
    }

    private KafkaTakeOverSweep runner(ClusterNode node) {
        ledger.claims().register(node);
        OpenCodeComponent component = new OpenCodeComponent();
        component.setLedger(ledger);
        component.setClusterNode(node);
        CamelContext context = new DefaultCamelContext();
        context.start();
        contexts.add(context);
        KafkaTakeOverSweep sweep = new KafkaTakeOverSweep(context, component);
        sweep.start();
        sweeps.add(sweep);
        return sweep;
    }

    private List<Exchange> queued(int runner) {
        return new ArrayList<>(contexts.get(runner).getEndpoint(RunnerConstants.KAFKA_WORK, SedaEndpoint.class).getQueue());
    }

    @Test
    void twoLiveRunnersShareTheDeadRunnersTasksSweepBySweep() {
        KafkaTakeOverSweep alpha = runner(ALPHA);
        KafkaTakeOverSweep beta = runner(BETA);

        assertThat(alpha.sweep()).as("its share of 10 with 2 live runners").isEqualTo(5);
        assertThat(beta.sweep()).as("ceil(5 / 2)").isEqualTo(3);
        assertThat(alpha.sweep()).as("ceil(2 / 2)").isEqualTo(1);
        assertThat(beta.sweep()).isEqualTo(1);
        assertThat(alpha.sweep()).as("nothing expired is left").isZero();

        List<String> alphaKeys = queued(0).stream().map(each -> each.getMessage().getHeader(OpenCodeConstants.TASK_KEY, String.class)).toList();
        List<String> betaKeys = queued(1).stream().map(each -> each.getMessage().getHeader(OpenCodeConstants.TASK_KEY, String.class)).toList();
        assertThat(alphaKeys).hasSize(6).doesNotContainAnyElementsOf(betaKeys);
        assertThat(betaKeys).hasSize(4);
        assertThat(queued(0).get(0).getMessage().getBody(String.class)).as("the stored task").startsWith("{\"prompt\":\"task ");
        List<String> all = new ArrayList<>(alphaKeys);
        all.addAll(betaKeys);
        assertThat(all).containsExactlyInAnyOrder("kafka:task-1", "kafka:task-2", "kafka:task-3", "kafka:task-4", "kafka:task-5",
                "kafka:task-6", "kafka:task-7", "kafka:task-8", "kafka:task-9", "kafka:task-10");
        assertThat(ledger.claims().claims()).filteredOn(claim -> claim.taskKey().startsWith("kafka:"))
                .extracting(TaskClaim::owner).containsOnly("alpha", "beta");
        assertThat(ledger.claims().find("inbox:/inbox/a.md")).get().extracting(TaskClaim::owner).isEqualTo("dead");
    }

    @Test
    void aSingleRunnerTakesEveryExpiredClaimInOneSweep() {
        ClusterNode single = new ClusterNode("single", Duration.ofMinutes(1), null, false);
        KafkaTakeOverSweep only = runner(single);
        runner(ALPHA); // a live row of another id: a runner that is not clustered does not share with it

        assertThat(only.sweep()).isEqualTo(10);
        assertThat(queued(0)).hasSize(10);
    }
}
