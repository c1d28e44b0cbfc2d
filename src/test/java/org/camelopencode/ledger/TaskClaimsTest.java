package org.camelopencode.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.camelopencode.agent.TokenUsage;
import org.camelopencode.dispatch.DispatchResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The claim with a lease on H2 (a file database opened by two data sources, as two runners in one JVM would);
 * {@link TaskClaimsPostgresTest} runs the same on PostgreSQL.
 */
class TaskClaimsTest {

    private static final ClusterNode ALPHA = new ClusterNode("alpha", Duration.ofMinutes(1), null, true);
    private static final ClusterNode BETA = new ClusterNode("beta", Duration.ofMinutes(1), null, true);
    private static final DispatchResult RESULT = new DispatchResult("ses_1", "msg_1", "prov/model", "build", "done", null,
            new TokenUsage(1, 1, 0, 0, 0), 0, "stop", Duration.ofMillis(5));

    @TempDir
    Path folder;

    private DispatchLedger first;
    private DispatchLedger second;

    /** @return the database both ledgers open (a new one per test) */
    LedgerSettings settings() throws Exception {
        return new LedgerSettings("jdbc:h2:file:" + folder.resolve("claims").toAbsolutePath() + ";AUTO_SERVER=FALSE", "sa", "");
    }

    @BeforeEach
    void openTwoDataSources() throws Exception {
        LedgerSettings settings = settings();
        first = DispatchLedger.open(settings);
        second = DispatchLedger.open(settings);
    }

    @AfterEach
    void close() {
        second.close();
        first.close();
    }

    @Test
    void twoRunnersClaimingOneKeyAtOnceExactlyOneWinsEachOfAThousandTimes() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            int alphaWins = 0;
            int betaWins = 0;
            for (int round = 0; round < 1000; round++) {
                String key = "task-" + round;
                CyclicBarrier together = new CyclicBarrier(2);
                Future<Claim> alpha = threads.submit(() -> {
                    together.await(10, TimeUnit.SECONDS);
                    return first.claims().claim(key, ALPHA, key, null, null);
                });
                Future<Claim> beta = threads.submit(() -> {
                    together.await(10, TimeUnit.SECONDS);
                    return second.claims().claim(key, BETA, key, null, null);
                });
                Claim alphaClaim = alpha.get(30, TimeUnit.SECONDS);
                Claim betaClaim = beta.get(30, TimeUnit.SECONDS);
                assertThat(List.of(alphaClaim.state(), betaClaim.state())).as("round %d", round)
                        .containsExactlyInAnyOrder(ClaimState.CLAIMED, ClaimState.HELD_BY_LIVE_OWNER);
                String winner = alphaClaim.state() == ClaimState.CLAIMED ? "alpha" : "beta";
                assertThat(alphaClaim.owner()).isEqualTo(winner);
                assertThat(betaClaim.owner()).isEqualTo(winner);
                assertThat(first.claims().find(key)).get().extracting(TaskClaim::owner).isEqualTo(winner);
                if (winner.equals("alpha")) {
                    alphaWins++;
                } else {
                    betaWins++;
                }
            }
            assertThat(alphaWins + betaWins).isEqualTo(1000);
            assertThat(first.claims().claims()).hasSize(1000);
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void aLiveClaimIsNotTakenOverAndItsOwnerClaimsItAgain() {
        assertThat(first.claims().claim("a.md#1", ALPHA, "a", "kafka", "{\"prompt\":\"hi\"}").state()).isEqualTo(ClaimState.CLAIMED);

        Claim refused = second.claims().claim("a.md#1", BETA, "a", null, null);
        assertThat(refused.state()).isEqualTo(ClaimState.HELD_BY_LIVE_OWNER);
        assertThat(refused.state().mayRun()).isFalse();
        assertThat(refused.owner()).isEqualTo("alpha");
        assertThat(refused.leaseUntil()).isNotNull();

        Claim retried = first.claims().claim("a.md#1", ALPHA, "a", null, null);
        assertThat(retried.state()).isEqualTo(ClaimState.ALREADY_OWNED);
        TaskClaim stored = second.claims().find("a.md#1").orElseThrow();
        assertThat(stored.owner()).isEqualTo("alpha");
        assertThat(stored.live()).isTrue();
        assertThat(stored.takeovers()).isZero();
        assertThat(stored.trigger()).isEqualTo("kafka");
        assertThat(stored.taskBody()).as("a retry without a body keeps the stored task").isEqualTo("{\"prompt\":\"hi\"}");
        assertThat(second.claims().expired()).isEmpty();
    }

    @Test
    void anExpiredLeaseIsTakenOverOnceAndTheNewOwnerHoldsIt() {
        ClusterNode shortLived = new ClusterNode("dead", Duration.ofMillis(300), null, true);
        ClusterNode gamma = new ClusterNode("gamma", Duration.ofMinutes(1), null, true);
        first.claims().claim("b.md#2", shortLived, "b", "kafka", "task b");

        await().atMost(Duration.ofSeconds(10)).until(() -> !second.claims().find("b.md#2").orElseThrow().live());
        assertThat(second.claims().expired()).extracting(TaskClaim::taskKey).containsExactly("b.md#2");

        Claim taken = second.claims().claim("b.md#2", BETA, "b", null, null);
        assertThat(taken.state()).isEqualTo(ClaimState.TAKEN_OVER);
        assertThat(taken.owner()).as("taken from").isEqualTo("dead");
        TaskClaim stored = first.claims().find("b.md#2").orElseThrow();
        assertThat(stored.owner()).isEqualTo("beta");
        assertThat(stored.takeovers()).isEqualTo(1);
        assertThat(stored.live()).isTrue();
        assertThat(stored.taskBody()).isEqualTo("task b");

        assertThat(first.claims().claim("b.md#2", gamma, "b", null, null).state()).isEqualTo(ClaimState.HELD_BY_LIVE_OWNER);
        assertThat(second.claims().expired()).isEmpty();
    }

    @Test
    void theHeartbeatExtendsEveryLeaseOfItsNodeAndKeepsItLive() throws Exception {
        ClusterNode quick = new ClusterNode("quick", Duration.ofMillis(600), null, true);
        first.claims().register(quick);
        first.claims().claim("c1", quick, null, null, null);
        first.claims().claim("c2", quick, null, null, null);
        first.claims().claim("other", ALPHA, null, null, null);
        TaskClaim before = first.claims().find("c1").orElseThrow();
        TaskClaim otherBefore = first.claims().find("other").orElseThrow();

        await().atMost(Duration.ofSeconds(10)).until(() -> {
            assertThat(first.claims().renew(quick)).as("both claims of the node, in one statement").isEqualTo(2);
            return first.claims().find("c1").orElseThrow().leaseUntil().isAfter(before.leaseUntil());
        });
        // renewed more often than the lease, the claim stays live past its first lease
        long until = System.nanoTime() + Duration.ofMillis(1500).toNanos();
        while (System.nanoTime() < until) {
            first.claims().renew(quick);
            assertThat(second.claims().claim("c2", BETA, null, null, null).state()).isEqualTo(ClaimState.HELD_BY_LIVE_OWNER);
            await().pollDelay(Duration.ofMillis(100)).atMost(Duration.ofSeconds(1)).until(() -> true);
        }
        NodeLease node = second.claims().nodes().stream().filter(each -> each.nodeId().equals("quick")).findFirst().orElseThrow();
        assertThat(node.renewals()).isGreaterThanOrEqualTo(2);
        assertThat(node.live()).isTrue();
        assertThat(node.lastRenewal()).isAfterOrEqualTo(node.startedAt());
        assertThat(first.claims().find("other").orElseThrow().leaseUntil()).as("another node's lease is untouched")
                .isEqualTo(otherBefore.leaseUntil());
    }

    @Test
    void releaseDropsTheOwnersClaimAndItsStagesOnly() {
        first.claims().claim("run_1", ALPHA, null, null, null);
        first.claims().claim("run_1#stage:plan", ALPHA, null, null, null);
        first.claims().claim("runX1", ALPHA, null, null, null);
        first.claims().claim("run_1-other", BETA, null, null, null);

        assertThat(second.claims().release("run_1", "beta")).as("not beta's").isZero();
        assertThat(second.claims().release("run_1", "alpha")).isEqualTo(2);
        List<String> left = new ArrayList<>();
        first.claims().claims().forEach(claim -> left.add(claim.taskKey()));
        assertThat(left).containsExactlyInAnyOrder("runX1", "run_1-other");
        assertThat(second.claims().claim("run_1", BETA, null, null, null).state()).isEqualTo(ClaimState.CLAIMED);
    }

    @Test
    void aSingleRunnerExpiresEveryEarlierClaimAndAClusteredOneOnlyThoseOfItsOwnId() {
        first.claims().claim("left-1", ALPHA, null, null, null);
        first.claims().claim("left-2", BETA, null, null, null);
        ClusterNode restarted = new ClusterNode("restarted", Duration.ofMinutes(1), null, false);

        assertThat(second.claims().expireOwn("alpha")).isEqualTo(1);
        assertThat(second.claims().expired()).extracting(TaskClaim::taskKey).containsExactly("left-1");
        assertThat(first.claims().claim("left-1", ALPHA, null, null, null).state())
                .as("an expired claim under its own id is taken over, not renewed as if this process held it")
                .isEqualTo(ClaimState.TAKEN_OVER);

        assertThat(second.claims().expireAll()).isEqualTo(2);
        assertThat(second.claims().claim("left-2", restarted, null, null, null).state()).isEqualTo(ClaimState.TAKEN_OVER);
        assertThat(second.claims().claim("left-2", restarted, null, null, null).state()).isEqualTo(ClaimState.ALREADY_OWNED);
    }

    @Test
    void onlyExpiredClaimsOfCompletedTasksOutsideKafkaAreRemovedAsLeftBehind() {
        // alpha claimed these, recorded their outcome and was killed before it released them
        for (String key : List.of("completed", "running", "failed", "kafka-completed", "live-completed")) {
            first.claims().claim(key, ALPHA, key, key.startsWith("kafka") ? "kafka" : null, key.startsWith("kafka") ? "{}" : null);
            long id = first.begin(key, key, null, null, 1, "prov/model");
            if (key.contains("completed")) {
                first.complete(id, RESULT);
            } else if (key.equals("failed")) {
                first.fail(id, org.camelopencode.failure.FailureKind.AGENT_ERROR, "it failed", null, 0);
            }
        }
        first.claims().claim("inbox:/shared/inbox/a.md", ALPHA, null, "inbox", null);
        assertThat(second.claims().removeLeftOnCompletedTasks()).as("every lease still live").isZero();
        assertThat(second.claims().expireOwn("alpha")).isEqualTo(6);
        first.claims().claim("live-completed", BETA, null, null, null); // taken over by beta: live again

        assertThat(second.claims().removeLeftOnCompletedTasks()).isEqualTo(1);
        assertThat(first.claims().claims()).extracting(TaskClaim::taskKey).containsExactlyInAnyOrder("running", "failed",
                "kafka-completed", "live-completed", "inbox:/shared/inbox/a.md");
        assertThat(second.claims().removeLeftOnCompletedTasks()).isZero();
    }

    @Test
    void eachHeartbeatRemovesTheClaimsLeftOnCompletedTasks() {
        first.claims().claim("completed", ALPHA, "completed", null, null);
        first.complete(first.begin("completed", "completed", null, null, 1, "prov/model"), RESULT);
        first.claims().expireOwn("alpha");
        LeaseHeartbeat beta = new LeaseHeartbeat(second.claims(), BETA, java.time.Clock.systemUTC());
        second.claims().register(BETA);

        beta.renew();
        assertThat(first.claims().claims()).as("claims left").isEmpty();
        assertThat(beta.status().lastProblem()).isNull();
    }
}
