package org.camelopencode.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.camelopencode.failure.FailureKind;
import org.camelopencode.ledger.ApprovalDestination.Action;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Where an approval goes: the pure decision as a table (this runner is {@code alpha}), then the same decision read from
 * a real ledger's rows (escalation, dispatch entry, claim): H2 here, PostgreSQL in {@link ApprovalRoutingPostgresTest}.
 */
class ApprovalRoutingTest {

    private static final Instant EXPIRES = Instant.parse("2030-01-01T00:00:00Z");
    private static final Instant PAST = Instant.parse("2020-01-01T00:00:00Z");

    @TempDir
    Path temporary;

    private static EscalationEntry escalation(String node, boolean expired) {
        return new EscalationEntry("per_1", "ses_1", node, PAST, expired ? PAST : EXPIRES, expired);
    }

    private static LedgerEntry entry(DispatchStatus status) {
        return new LedgerEntry(7, "key-1", "fix", null, null, 1, "instance-1", "ses_1", status, null, null, 0, 0, 0, 0, PAST, null,
                null, null, null, null);
    }

    private static TaskClaim claim(String owner, boolean live) {
        return new TaskClaim("key-1", owner, PAST, live ? EXPIRES : PAST, 0, "fix", null, null, live);
    }

    private static NodeLease node(String id, boolean live) {
        return new NodeLease(id, PAST, PAST, 3, live ? EXPIRES : PAST, live);
    }

    static Stream<Arguments> decisions() {
        return Stream.of(
                Arguments.of("not recorded", null, null, null, List.of(), Action.APPLY_HERE, null, "not escalated through this ledger"),
                Arguments.of("time to live passed", escalation("beta", true), entry(DispatchStatus.RUNNING), claim("beta", true), List.of(),
                        Action.REJECT, null, "not pending any more: its time to live passed"),
                Arguments.of("task completed", escalation("beta", false), entry(DispatchStatus.COMPLETED), null, List.of(),
                        Action.REJECT, null, "ended (completed); nobody owns the session"),
                Arguments.of("task failed", escalation("alpha", false), entry(DispatchStatus.FAILED), null, List.of(),
                        Action.REJECT, null, "ended (failed)"),
                Arguments.of("running, no claim", escalation("beta", false), entry(DispatchStatus.RUNNING), null, List.of(),
                        Action.REJECT, null, "nobody owns session ses_1 any more: no runner holds task fix (key key-1)"),
                Arguments.of("running, lease expired", escalation("beta", false), entry(DispatchStatus.RUNNING), claim("beta", false),
                        List.of(), Action.REJECT, null, "the lease of node beta on task fix (key key-1) expired at " + PAST),
                Arguments.of("running here", escalation("alpha", false), entry(DispatchStatus.RUNNING), claim("alpha", true), List.of(),
                        Action.APPLY_HERE, null, "claimed by node alpha"),
                Arguments.of("running on beta", escalation("beta", false), entry(DispatchStatus.RUNNING), claim("beta", true), List.of(),
                        Action.FORWARD, "beta", "claimed by node beta"),
                Arguments.of("taken over by alpha from beta", escalation("beta", false), entry(DispatchStatus.RUNNING),
                        claim("alpha", true), List.of(), Action.APPLY_HERE, null, "claimed by node alpha"),
                Arguments.of("taken over by gamma from alpha", escalation("alpha", false), entry(DispatchStatus.RUNNING),
                        claim("gamma", true), List.of(), Action.FORWARD, "gamma", "claimed by node gamma"),
                Arguments.of("no task key, escalated here", escalation("alpha", false), null, null, List.of(), Action.APPLY_HERE, null,
                        "node alpha escalated it"),
                Arguments.of("no task key, beta live", escalation("beta", false), null, null, List.of(node("beta", true)), Action.FORWARD,
                        "beta", "node beta escalated it and is live"),
                Arguments.of("no task key, beta gone", escalation("beta", false), null, null, List.of(node("beta", false)), Action.REJECT,
                        null, "node beta, which escalated it, stopped renewing its lease at " + PAST),
                Arguments.of("no task key, beta unknown", escalation("beta", false), null, null, List.of(), Action.REJECT, null,
                        "is not registered"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("decisions")
    void decides(String name, EscalationEntry escalation, LedgerEntry entry, TaskClaim claim, List<NodeLease> nodes, Action action,
            String node, String reason) {
        ApprovalDestination destination = ApprovalRouting.decide("alpha", "per_1", escalation, entry, claim, nodes);
        assertThat(destination.action()).isEqualTo(action);
        assertThat(destination.node()).isEqualTo(node);
        assertThat(destination.reason()).contains(reason);
        if (action == Action.FORWARD) {
            assertThat(destination.expiresAt()).as("the forwarded approval lives as long as the request").isEqualTo(EXPIRES);
            assertThat(destination.sessionId()).isEqualTo("ses_1");
        }
    }

    /** @return the ledger's database: an H2 file here, PostgreSQL in {@link ApprovalRoutingPostgresTest} */
    LedgerSettings settings() throws Exception {
        return new LedgerSettings("jdbc:h2:file:" + temporary.resolve("ledger"), null, null);
    }

    @Test
    void resolvesFromTheLedgersRows() throws Exception {
        try (DispatchLedger ledger = DispatchLedger.open(settings())) {
            ClusterNode beta = new ClusterNode("beta", Duration.ofSeconds(30), null, true);
            Instant expires = Instant.now().plus(Duration.ofMinutes(5));
            assertThat(ApprovalRouting.resolve(ledger, "alpha", "per_unknown").action()).isEqualTo(Action.APPLY_HERE);

            long running = ledger.begin("key-b", "fix", null, null, 1, "prov/m");
            ledger.attachSession(running, "instance-1", "ses_b");
            ledger.claims().claim("key-b", beta, "fix", null, null);
            ledger.escalations().record("per_b", "ses_b", "beta", expires);
            ApprovalDestination forward = ApprovalRouting.resolve(ledger, "alpha", "per_b");
            assertThat(forward.action()).isEqualTo(Action.FORWARD);
            assertThat(forward.node()).isEqualTo("beta");
            assertThat(forward.sessionId()).isEqualTo("ses_b");
            assertThat(forward.expiresAt()).isCloseTo(expires, org.assertj.core.api.Assertions.within(1, java.time.temporal.ChronoUnit.MILLIS));
            assertThat(ApprovalRouting.resolve(ledger, "beta", "per_b").action()).isEqualTo(Action.APPLY_HERE);

            ledger.claims().release("key-b", "beta");
            assertThat(ApprovalRouting.resolve(ledger, "alpha", "per_b").reason()).contains("no runner holds task fix");

            ledger.fail(running, FailureKind.PENDING_PERMISSION, "no approval came", null, 0);
            assertThat(ApprovalRouting.resolve(ledger, "beta", "per_b")).satisfies(rejected -> {
                assertThat(rejected.action()).isEqualTo(Action.REJECT);
                assertThat(rejected.reason()).contains("not pending any more", "ended (failed)");
            });

            ledger.escalations().record("per_old", "ses_b", "beta", Instant.now().minusSeconds(1));
            assertThat(ledger.escalations().find("per_old")).get().extracting(EscalationEntry::expired).isEqualTo(true);
            assertThat(ApprovalRouting.resolve(ledger, "beta", "per_old").reason()).contains("time to live passed");

            ledger.escalations().record("per_b", "ses_c", "gamma", expires);
            assertThat(ledger.escalations().find("per_b")).get().satisfies(again -> {
                assertThat(again.sessionId()).as("escalated again: the row names the new session and node").isEqualTo("ses_c");
                assertThat(again.nodeId()).isEqualTo("gamma");
            });
        }
    }
}
