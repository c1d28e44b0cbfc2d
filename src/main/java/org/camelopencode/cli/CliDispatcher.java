package org.camelopencode.cli;

import java.time.Instant;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.camelopencode.client.ClientOptions;
import org.camelopencode.client.OpenCodeClient;
import org.camelopencode.dispatch.DispatchRequest;
import org.camelopencode.dispatch.DispatchResult;
import org.camelopencode.failure.FailureKind;
import org.camelopencode.failure.OpenCodeFailureException;

/**
 * The headless transport: each attempt runs {@code opencode run --format json} as a subprocess (the prompt on its
 * standard input), reads its NDJSON lines into the normalized agent events and applies the same completion gate and
 * failure kinds as the server transport ({@link CliGate}). A per-attempt deadline kills the process tree and fails
 * the attempt as {@code timeout}.
 *
 * <p>With {@link CliOptions#attach()} set, runs use {@code --attach} and, because an attached run of OpenCode 1.18.33
 * exits as soon as its prompt call returns (its last lines can be missing), the verdict is taken from the session's
 * messages read over HTTP ({@code GET /session/status} until idle, then {@code GET /session/{id}/message}).
 *
 * <p>Thread-safe. At most {@link CliOptions#maxConcurrentRuns()} processes run at once, each on a worker thread of
 * this dispatcher; callers never block.
 */
public final class CliDispatcher implements AutoCloseable {

    private final CliOptions options;
    private final ExecutorService workers;
    private final ExecutorService streams;
    private final ScheduledExecutorService deadlines;
    private final OpenCodeClient attachClient;
    private final Set<CliRun> running = ConcurrentHashMap.newKeySet();

    /** @param options how runs are started */
    public CliDispatcher(CliOptions options) {
        this.options = options;
        this.workers = Executors.newFixedThreadPool(options.maxConcurrentRuns(), daemonThreads("opencode-cli"));
        this.streams = Executors.newCachedThreadPool(daemonThreads("opencode-cli-stream"));
        this.deadlines = Executors.newSingleThreadScheduledExecutor(daemonThreads("opencode-cli-deadline"));
        this.attachClient = options.attach() == null ? null : new OpenCodeClient(options.attach(), ClientOptions.defaults());
    }

    /** @return the settings runs are started with */
    public CliOptions options() {
        return options;
    }

    /**
     * Starts one attempt; never blocks.
     *
     * @param request the attempt (its timeout is the deadline, counted from this call)
     * @param task files and the session to go on in
     * @return completes with the checked result, or exceptionally with an {@link OpenCodeFailureException}
     *     ({@code timeout} when the deadline passed, the gate's kinds otherwise)
     */
    public CompletableFuture<DispatchResult> dispatch(DispatchRequest request, CliTaskOptions task) {
        Instant startedAt = Instant.now();
        CliRun run = new CliRun(options, request, task == null ? CliTaskOptions.NONE : task, attachClient, streams, startedAt);
        CompletableFuture<DispatchResult> result = new CompletableFuture<>();
        running.add(run);
        ScheduledFuture<?> deadline = deadlines.schedule(() -> streams.execute(() -> {
            run.expire();
            if (run.process() == null) {
                // still waiting for a worker: nothing to kill
                result.completeExceptionally(run.failure(FailureKind.TIMEOUT, "no verdict within " + request.timeout()
                        + "; opencode run did not start (all " + options.maxConcurrentRuns() + " runs were busy)", null, null));
            }
        }), request.timeout().toMillis(), TimeUnit.MILLISECONDS);
        workers.execute(() -> {
            if (result.isDone()) {
                return;
            }
            try {
                result.complete(run.run());
            } catch (OpenCodeFailureException failure) {
                result.completeExceptionally(failure);
            } catch (RuntimeException unexpected) {
                result.completeExceptionally(run.failure(FailureKind.AGENT_ERROR, "opencode run failed: " + unexpected, null, null));
            }
        });
        result.whenComplete((value, failure) -> {
            deadline.cancel(false);
            running.remove(run);
        });
        return result;
    }

    /** @return how many attempts are running or waiting for a worker */
    public int inFlight() {
        return running.size();
    }

    /** Kills every running process tree (their attempts fail as timeout) and stops the threads. */
    @Override
    public void close() {
        running.forEach(CliRun::expire);
        deadlines.shutdownNow();
        workers.shutdownNow();
        streams.shutdownNow();
        if (attachClient != null) {
            attachClient.close();
        }
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
