package org.camelopencode.dispatch;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.camelopencode.client.OpenCodeClient;

/**
 * What every run of one {@link Dispatcher} shares.
 *
 * @param serverName the server's name as {@link AttemptListener#sessionCreated} reports it ({@code instance-2}, or its URL)
 * @param client the server's client
 * @param options the watch settings
 * @param scheduler the timer of deadlines, polls and re-checks (one thread: its tasks only hand work on)
 * @param workers the threads of the short HTTP calls
 */
record RunContext(String serverName, OpenCodeClient client, DispatchOptions options, ScheduledExecutorService scheduler,
        ExecutorService workers) {

    /**
     * @param request an attempt
     * @return the client's view for the attempt's directory: every call of its session carries {@code ?directory=}
     *     ({@link OpenCodeClient#inDirectory}); the client itself for the server's own directory
     */
    OpenCodeClient clientFor(DispatchRequest request) {
        return client.inDirectory(request.directory());
    }

    /**
     * @param task work to run on a worker thread
     * @param closed told instead when the dispatcher was closed (its workers refuse work)
     */
    void execute(Runnable task, Consumer<RejectedExecutionException> closed) {
        try {
            workers.execute(task);
        } catch (RejectedExecutionException refused) {
            closed.accept(refused);
        }
    }

    /**
     * @param task a short hand-off to run on the timer thread after the delay
     * @param delayMillis the delay, milliseconds
     * @param closed told instead when the dispatcher was closed (its timer refuses work)
     */
    void schedule(Runnable task, long delayMillis, Consumer<RejectedExecutionException> closed) {
        try {
            scheduler.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException refused) {
            closed.accept(refused);
        }
    }
}
