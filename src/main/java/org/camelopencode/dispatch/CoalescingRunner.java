package org.camelopencode.dispatch;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Runs one task at most once at a time, and once more after it whenever it was requested while running: many
 * requests (events, polls, re-checks) in a burst cost one or two runs, never a queue of them.
 */
final class CoalescingRunner {

    private final Runnable task;
    private final Consumer<Runnable> submit;
    private final BooleanSupplier wanted;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();

    /**
     * @param task the task (the gate's evaluation)
     * @param submit hands a runnable to a worker thread
     * @param wanted whether the task should still run (false once the attempt is decided or ending)
     */
    CoalescingRunner(Runnable task, Consumer<Runnable> submit, BooleanSupplier wanted) {
        this.task = task;
        this.submit = submit;
        this.wanted = wanted;
    }

    /** Asks for a run: starts one on a worker, or marks the running one to run again. Never blocks. */
    void request() {
        if (!wanted.getAsBoolean()) {
            return;
        }
        again.set(true);
        if (running.compareAndSet(false, true)) {
            submit.accept(this::runWhileRequested);
        }
    }

    private void runWhileRequested() {
        try {
            while (again.getAndSet(false) && wanted.getAsBoolean()) {
                task.run();
            }
        } finally {
            running.set(false);
        }
        if (again.get() && wanted.getAsBoolean()) {
            request();
        }
    }
}
