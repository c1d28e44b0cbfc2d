package org.camelopencode.dispatch;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
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
}
