package org.camelopencode.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.camel.main.Main;
import org.camelopencode.client.OpenCodeClient;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.camelopencode.component.ClusterLeaseHealthCheck;
import org.camelopencode.component.OpenCodeComponent;
import org.camelopencode.runner.StatusPage;
import org.camelopencode.dispatch.AttemptListener;
import org.camelopencode.dispatch.DispatchOptions;
import org.camelopencode.dispatch.DispatchRequest;
import org.camelopencode.dispatch.Dispatcher;
import org.camelopencode.ledger.ClaimState;
import org.camelopencode.ledger.ClusterNode;
import org.camelopencode.ledger.ClusterView;
import org.camelopencode.ledger.DispatchLedger;
import org.camelopencode.ledger.DispatchStatus;
import org.camelopencode.ledger.TaskKeys;
import org.camelopencode.testkit.Reply;
import org.camelopencode.testkit.RequestMatcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two runners of one cluster in this JVM (two CamelMain instances, one shared H2 ledger database, one real
 * {@code opencode serve} and the scripted model): a task claimed by a dead node is taken over once its lease expires
 * and its recorded session is re-attached (the model sees one prompt); a task claimed by a live node is handed back to
 * its trigger, not dispatched, until that node lets it go.
 */
class ClusterTakeOverIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Main alpha;
    private Main beta;

    @AfterEach
    void stop() throws Exception {
        for (Main runner : new Main[] {beta, alpha}) {
            if (runner != null) {
                runner.stop();
            }
        }
    }

    private static Main startRunner(Path work, Path ledger, String nodeId, String claimWait) throws Exception {
        SharedOpenCode openCode = SharedOpenCode.get();
        Main runner = openCode.newRunner(work);
        runner.addOverrideProperty("opencode.timeout", "PT60S");
        runner.addOverrideProperty("opencode.ledger.url", "jdbc:h2:file:" + ledger.toAbsolutePath() + ";AUTO_SERVER=FALSE");
        runner.addOverrideProperty("opencode.cluster.enabled", "true");
        runner.addOverrideProperty("opencode.cluster.node-id", nodeId);
        runner.addOverrideProperty("opencode.cluster.lease", "PT2S");
        runner.addOverrideProperty("opencode.cluster.claim-wait", claimWait);
        runner.addOverrideProperty("camel.main.shutdownTimeout", "2");
        runner.start();
        return runner;
    }

    private static OpenCodeComponent component(Main runner) {
        return runner.getCamelContext().getComponent("opencode", OpenCodeComponent.class);
    }

    private static long modelRequestsMentioning(SharedOpenCode openCode, String marker) {
        return openCode.model().requests().stream().filter(request -> request.messagesJson().contains(marker)).count();
    }

    @Test
    void aDeadNodesClaimIsTakenOverWhenItsLeaseExpiresAndItsSessionIsReAttached() throws Exception {
        SharedOpenCode openCode = SharedOpenCode.get();
        openCode.model().when(RequestMatcher.promptContains("C-DEAD"))
                .reply(Reply.slow(Reply.text("finished after its runner died"), Duration.ofSeconds(2)));
        Path work = Files.createTempDirectory("cluster-dead-it-");
        beta = startRunner(work.resolve("beta"), work.resolve("ledger"), "beta", "PT30S");
        DispatchLedger ledger = component(beta).getLedger();
        String content = "C-DEAD Take a while.\n";
        String key = TaskKeys.ofFile("dead.md", content.getBytes(StandardCharsets.UTF_8));
        AtomicReference<String> session = new AtomicReference<>();
        try (OpenCodeClient client = openCode.newClient(); Dispatcher deadRunner = new Dispatcher(client, DispatchOptions.defaults())) {
            // The dead node "alpha": it claimed the key with a lease it will never renew, started the session, recorded it.
            ClusterNode dead = new ClusterNode("alpha", Duration.ofSeconds(3), null, true);
            assertThat(ledger.claims().claim(key, dead, "dead", null, null).state()).isEqualTo(ClaimState.CLAIMED);
            var firstWatch = deadRunner.dispatch(new DispatchRequest(content.strip(), SharedOpenCode.MODEL, null, null, "dead", false, null,
                    Duration.ofSeconds(60), null, null, 1), new AttemptListener() {
                        @Override
                        public void sessionCreated(String server, String sessionId) {
                            session.set(sessionId);
                        }
                    });
            await().atMost(Duration.ofSeconds(30)).until(() -> session.get() != null && modelRequestsMentioning(openCode, "C-DEAD") > 0);
            long id = ledger.begin(key, "dead", null, null, 1, SharedOpenCode.MODEL);
            ledger.attachSession(id, openCode.server().baseUri().toString(), session.get());

            Files.writeString(Files.createDirectories(work.resolve("beta").resolve("inbox")).resolve("dead.md"), content);
            Path result = work.resolve("beta").resolve("outbox").resolve("dead.result.json");
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(result));

            JsonNode record = JSON.readTree(Files.readString(result));
            assertThat(record.get("sessionId").asText()).as("the dead node's session, re-attached").isEqualTo(session.get());
            assertThat(record.get("text").asText()).isEqualTo("finished after its runner died");
            assertThat(modelRequestsMentioning(openCode, "C-DEAD")).as("one prompt: no second session").isEqualTo(1);
            assertThat(ledger.history(key)).singleElement().satisfies(entry -> {
                assertThat(entry.id()).isEqualTo(id);
                assertThat(entry.status()).isEqualTo(DispatchStatus.COMPLETED);
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> ledger.claims().find(key).isEmpty());
            MeterRegistry registry = beta.getCamelContext().getRegistry().findSingleByType(MeterRegistry.class);
            assertThat(registry).as("camel.metrics.enabled gives the runner a registry").isNotNull();
            assertThat(registry.find("opencode.takeovers").counter()).isNotNull().extracting(Counter::count).isEqualTo(1.0);
            assertThat(firstWatch.get(30, TimeUnit.SECONDS).sessionId()).isEqualTo(session.get());
        }
    }

    @Test
    void aLiveNodesClaimIsNotTakenOverTheTaskIsHandedBackUntilThatNodeLetsItGo() throws Exception {
        SharedOpenCode openCode = SharedOpenCode.get();
        openCode.model().when(RequestMatcher.promptContains("C-LIVE")).reply(Reply.text("run once, by beta, after alpha let go"));
        Path work = Files.createTempDirectory("cluster-live-it-");
        alpha = startRunner(work.resolve("alpha"), work.resolve("ledger"), "alpha", "PT1S");
        beta = startRunner(work.resolve("beta"), work.resolve("ledger"), "beta", "PT1S");
        DispatchLedger ledger = component(alpha).getLedger();
        String content = "C-LIVE Say it once.\n";
        String key = TaskKeys.ofFile("live.md", content.getBytes(StandardCharsets.UTF_8));
        // alpha holds the key (as while it runs the task); its heartbeat renews the 2 s lease every 666 ms
        assertThat(ledger.claims().claim(key, component(alpha).getClusterNode(), "live", null, null).state())
                .isEqualTo(ClaimState.CLAIMED);

        Path inbox = Files.createDirectories(work.resolve("beta").resolve("inbox"));
        Files.writeString(inbox.resolve("live.md"), content);
        Path result = work.resolve("beta").resolve("outbox").resolve("live.result.json");
        Path deadLetter = work.resolve("beta").resolve("dead-letter");
        // well past the lease: still alpha's, never dispatched by beta, neither archived nor dead-lettered
        await().during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(8)).until(() -> !Files.exists(result)
                && Files.exists(inbox.resolve("live.md")) && (!Files.exists(deadLetter) || isEmpty(deadLetter))
                && modelRequestsMentioning(openCode, "C-LIVE") == 0);
        assertThat(ledger.claims().find(key)).get().satisfies(claim -> {
            assertThat(claim.owner()).isEqualTo("alpha");
            assertThat(claim.takeovers()).isZero();
        });

        // the view: opencode:cluster, the status page's snapshot and beta's lease health check
        ClusterView view = beta.getCamelContext().createProducerTemplate().requestBody("opencode:cluster", null, ClusterView.class);
        assertThat(view.nodeId()).isEqualTo("beta");
        assertThat(view.clustered()).isTrue();
        assertThat(view.nodes()).extracting(ClusterView.Node::nodeId).contains("alpha", "beta");
        ClusterView.Node alphaNode = view.nodes().stream().filter(node -> node.nodeId().equals("alpha")).findFirst().orElseThrow();
        assertThat(alphaNode.live()).isTrue();
        assertThat(alphaNode.renewals()).as("alpha's heartbeat beat during the wait").isPositive();
        assertThat(alphaNode.tasks()).extracting(ClusterView.Task::taskKey).containsExactly(key);
        StatusPage status = beta.getCamelContext().getRegistry().lookupByNameAndType("opencodeStatus", StatusPage.class);
        assertThat(status.snapshot().cluster().nodes()).extracting(ClusterView.Node::nodeId).contains("alpha", "beta");
        assertThat(status.api()).contains("\"cluster\"", "\"leaseUntil\"", key);
        HealthCheck lease = HealthCheckHelper.getHealthCheck(beta.getCamelContext(), ClusterLeaseHealthCheck.ID);
        assertThat(lease).as("registered with the first opencode: producer").isNotNull();
        HealthCheck.Result leaseResult = lease.call();
        assertThat(leaseResult.getState()).isEqualTo(HealthCheck.State.UP);
        assertThat(leaseResult.getDetails()).containsEntry("nodeId", "beta").containsKeys("renewals", "lastRenewal", "leaseUntil");
        assertThat((Long) leaseResult.getDetails().get("renewals")).isPositive();

        assertThat(ledger.claims().release(key, "alpha")).isEqualTo(1);
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(result));
        JsonNode record = JSON.readTree(Files.readString(result));
        assertThat(record.get("text").asText()).isEqualTo("run once, by beta, after alpha let go");
        assertThat(modelRequestsMentioning(openCode, "C-LIVE")).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(inbox.resolve(".done").resolve("live.md")));
        assertThat(inbox.resolve("live.md")).as("archived, not left").doesNotExist();
    }

    private static boolean isEmpty(Path folder) throws java.io.IOException {
        try (var files = Files.list(folder)) {
            return files.findAny().isEmpty();
        }
    }
}
