package org.camelopencode.component;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.camelopencode.ledger.Claim;

/**
 * Waits for a task key another runner holds, without holding a thread ({@link LedgerAttempt}): the claim is tried
 * again on one shared timer thread ({@code opencode-claim-wait}, a daemon) at a fixed interval until it may run or the
 * wait is over. The owner is another process, so there is nothing to be woken by: the ledger's claim row is the only
 * signal, and a timer asks for it, bounded by the wait. Whatever follows the claim runs on the timer's thread (the
 * ledger's entry and the start of the dispatch: short calls; the agent's work is asynchronous).
 */
final class ClaimWait {

    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "opencode-claim-wait");
        thread.setDaemon(true);
        return thread;
    });

    private ClaimWait() {
    }

    /**
     * Tries the claim again every {@code every} until it may run (then {@code mine} completes with it), the wait is over
     * ({@code mine} fails with {@code gaveUp} of the last claim) or the ledger fails ({@code mine} fails with that).
     * A wait of zero fails at once, on the caller's thread.
     *
     * @param claim one claim of the key, by this node; called on the timer thread
     * @param held the claim that was refused (a live owner holds the key)
     * @param wait how long to wait in all, not negative
     * @param every how long between two tries, positive
     * @param mine completed with the claim once it may run
     * @param gaveUp the exception for a key still held when the wait is over
     */
    static void retry(Supplier<Claim> claim, Claim held, Duration wait, Duration every, CompletableFuture<Claim> mine,
            Function<Claim, RuntimeException> gaveUp) {
        long deadline = System.nanoTime() + wait.toNanos();
        next(claim, held, deadline, every.toNanos(), mine, gaveUp);
    }

    private static void next(Supplier<Claim> claim, Claim last, long deadline, long every, CompletableFuture<Claim> mine,
            Function<Claim, RuntimeException> gaveUp) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            mine.completeExceptionally(gaveUp.apply(last));
            return;
        }
        TIMER.schedule(() -> {
            try {
                Claim again = claim.get();
                if (again.state().mayRun()) {
                    mine.complete(again);
                } else {
                    next(claim, again, deadline, every, mine, gaveUp);
                }
            } catch (RuntimeException failed) {
                mine.completeExceptionally(failed);
            }
        }, Math.min(every, left), TimeUnit.NANOSECONDS);
    }
}
