package org.camelopencode.dispatch;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.camelopencode.client.OpenCodeClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Aborts a session and makes sure it stopped: {@code POST /session/{id}/abort}, then up to {@value #CONFIRMATIONS}
 * looks at {@code GET /session/status}, {@value #CONFIRM_DELAY_MILLIS} ms apart, aborting again while it is still
 * listed as busy. An abort that reaches the server before the turn's loop has started does not stop it (OpenCode
 * 1.18.33), and no session may be left running (and paying) after its task has failed. Failures are logged, never
 * thrown.
 */
final class BoundedAbort {

    /** How many times the abort is checked (and repeated while the session is busy). */
    static final int CONFIRMATIONS = 3;
    /** The time between the checks. */
    static final long CONFIRM_DELAY_MILLIS = 1000;

    private static final Logger LOG = LoggerFactory.getLogger(BoundedAbort.class);

    private final OpenCodeClient client;
    private final ScheduledExecutorService scheduler;
    private final Executor workers;

    /**
     * @param client the session's server
     * @param scheduler the timer of the checks
     * @param workers where the checks' HTTP calls run
     */
    BoundedAbort(OpenCodeClient client, ScheduledExecutorService scheduler, Executor workers) {
        this.client = client;
        this.scheduler = scheduler;
        this.workers = workers;
    }

    /** @param sessionId the session to abort, or {@code null} (none created yet: nothing to do) */
    void abort(String sessionId) {
        if (sessionId == null) {
            return;
        }
        try {
            client.abort(sessionId);
        } catch (RuntimeException failure) {
            LOG.warn("Session {}: abort failed: {}", sessionId, failure.getMessage());
        }
        confirm(sessionId, CONFIRMATIONS);
    }

    private void confirm(String sessionId, int checksLeft) {
        try {
            scheduler.schedule(() -> workers.execute(() -> {
                try {
                    if (client.sessionStatuses().containsKey(sessionId)) {
                        LOG.warn("Session {} is still busy after abort; aborting again", sessionId);
                        client.abort(sessionId);
                        if (checksLeft > 1) {
                            confirm(sessionId, checksLeft - 1);
                        }
                    }
                } catch (RuntimeException failure) {
                    LOG.warn("Session {}: checking the abort failed: {}", sessionId, failure.getMessage());
                }
            }), CONFIRM_DELAY_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closed) {
            LOG.debug("Session {}: dispatcher closed, abort not confirmed", sessionId);
        }
    }
}
