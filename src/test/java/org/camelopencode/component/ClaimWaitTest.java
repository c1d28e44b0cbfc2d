package org.camelopencode.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.camelopencode.agent.TokenUsage;
import org.camelopencode.dispatch.DispatchRequest;
import org.camelopencode.dispatch.DispatchResult;
import org.camelopencode.ledger.ClaimState;
import org.camelopencode.ledger.ClusterNode;
import org.camelopencode.ledger.DispatchLedger;
import org.camelopencode.ledger.LedgerSettings;
import org.camelopencode.ledger.TaskClaimedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LedgerAttempt} waiting for a key another runner ({@code other}) holds, on a real H2 ledger: the caller's thread
 * is not held while it waits; the attempt goes on once the owner lets go, and fails as {@link TaskClaimedException}
 * (nothing dispatched) when the owner still holds it after the wait.
 */
class ClaimWaitTest {

    private static final DispatchResult RESULT = new DispatchResult("ses_1", "msg_1", "prov/model", "build", "done", null,
            new TokenUsage(1, 1, 0, 0, 0), 0, "stop", Duration.ofMillis(5));
    private static final DispatchRequest REQUEST = new DispatchRequest("Fix the bug.", "prov/model", null, null, "fix", false, null,
            Duration.ofSeconds(60), null, null, 1);

    @TempDir
    Path temporary;

    private DispatchLedger ledger;

    @AfterEach
    void close() {
        ledger.close();
    }

    private LedgerAttempt heldByOther(Duration claimWait) {
        ledger = DispatchLedger.open(new LedgerSettings("jdbc:h2:file:" + temporary.resolve("ledger"), null, null));
        assertThat(ledger.claims().claim("key-1", new ClusterNode("other", Duration.ofSeconds(30), null, true), "fix", null, null)
                .state()).isEqualTo(ClaimState.CLAIMED);
        return LedgerAttempt.forTask(ledger, new ClusterNode("here", Duration.ofMillis(300), claimWait, true), "key-1", "fix", null);
    }

    @Test
    void theWaitDoesNotHoldTheCallersThreadAndGoesOnOnceTheOwnerLetsGo() throws Exception {
        LedgerAttempt attempt = heldByOther(Duration.ofSeconds(20));
        AtomicReference<String> dispatchedOn = new AtomicReference<>();
        long before = System.nanoTime();
        CompletableFuture<DispatchResult> outcome = attempt.start(null, REQUEST, AttemptWorkspace.none(), true, () -> {
            dispatchedOn.set(Thread.currentThread().getName());
            return CompletableFuture.completedFuture(RESULT);
        }, () -> { });
        long returnedAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before);

        assertThat(returnedAfter).as("start returned while the key is held (ms)").isLessThan(1_000);
        assertThat(outcome).isNotDone();
        assertThat(dispatchedOn.get()).isNull();
        assertThat(ledger.claims().release("key-1", "other")).isEqualTo(1);

        assertThat(outcome.get(10, TimeUnit.SECONDS)).isEqualTo(RESULT);
        assertThat(dispatchedOn.get()).as("went on on the timer, not the caller").isEqualTo("opencode-claim-wait");
        assertThat(ledger.claims().find("key-1")).get().satisfies(claim -> assertThat(claim.owner()).isEqualTo("here"));
        assertThat(ledger.findRunning("key-1")).as("its entry begun").isPresent();
    }

    @Test
    void aKeyStillHeldAfterTheWaitFailsAsTaskClaimedWithNothingDispatched() {
        LedgerAttempt attempt = heldByOther(Duration.ofMillis(700));
        AtomicReference<Boolean> dispatched = new AtomicReference<>(false);
        long before = System.nanoTime();
        CompletableFuture<DispatchResult> outcome = attempt.start(null, REQUEST, AttemptWorkspace.none(), true, () -> {
            dispatched.set(true);
            return CompletableFuture.completedFuture(RESULT);
        }, () -> { });
        assertThat(outcome).isNotDone();

        await().atMost(Duration.ofSeconds(10)).until(outcome::isDone);
        long failedAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before);
        assertThat(failedAfter).as("the whole wait passed (ms)").isGreaterThanOrEqualTo(700);
        try {
            outcome.get();
            throw new AssertionError("the attempt should have failed");
        } catch (ExecutionException | InterruptedException failure) {
            assertThat(failure.getCause()).isInstanceOf(TaskClaimedException.class).hasMessageContaining("node other");
        }
        assertThat(dispatched.get()).isFalse();
        assertThat(ledger.recent(10)).as("no entry begun").isEmpty();
    }

    @Test
    void noWaitFailsAtOnce() {
        LedgerAttempt attempt = heldByOther(Duration.ZERO);
        CompletableFuture<DispatchResult> outcome = attempt.start(null, REQUEST, AttemptWorkspace.none(), true, () -> CompletableFuture.completedFuture(RESULT),
                () -> { });
        assertThat(outcome).isCompletedExceptionally();
    }
}
