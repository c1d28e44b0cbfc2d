package org.camelopencode.dispatch;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.camelopencode.client.SessionStatus;
import org.camelopencode.failure.FailureKind;
import org.camelopencode.failure.OpenCodeFailureException;
import org.camelopencode.failure.RetryAfter;

/**
 * One attempt's deadline: the request's timeout measured from the dispatch, moved on by the time answered
 * escalations waited for a person and held while one still waits (that time is not the agent's). One timer at a
 * time on the dispatcher's scheduler; nothing stays scheduled after {@link #cancel()}.
 */
final class AttemptDeadline {

    /** How often a deadline that passed while a request awaits approval looks again. */
    static final long AWAITING_RECHECK_MILLIS = 1000;

    /** What the deadline asks of the attempt's approvals. */
    interface Approvals {
        /** @return whether an escalated request still waits for its approval */
        boolean awaiting();

        /** @return the time answered escalations waited */
        Duration waited();
    }

    private final ScheduledExecutorService scheduler;
    private final Duration timeout;
    private final long startNanos;
    private final Approvals approvals;
    private final Runnable onExpired;
    private final Runnable onSchedulerClosed;
    private volatile ScheduledFuture<?> timer;
    private volatile boolean cancelled;

    /**
     * @param scheduler the dispatcher's timer
     * @param timeout the request's timeout
     * @param startNanos {@link System#nanoTime()} at the dispatch
     * @param approvals the attempt's escalations
     * @param onExpired run on the timer thread when the deadline passed
     * @param onSchedulerClosed run when the deadline could not be looked at again because the dispatcher was closed
     */
    AttemptDeadline(ScheduledExecutorService scheduler, Duration timeout, long startNanos, Approvals approvals,
            Runnable onExpired, Runnable onSchedulerClosed) {
        this.scheduler = scheduler;
        this.timeout = timeout;
        this.startNanos = startNanos;
        this.approvals = approvals;
        this.onExpired = onExpired;
        this.onSchedulerClosed = onSchedulerClosed;
    }

    /** @throws RejectedExecutionException when the dispatcher is closed */
    void start() {
        timer = scheduler.schedule(this::check, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops the timer (the attempt ended). */
    void cancel() {
        cancelled = true;
        ScheduledFuture<?> current = timer;
        if (current != null) {
            current.cancel(false);
        }
    }

    private void check() {
        if (cancelled) {
            return;
        }
        long delayMillis = millisUntilDue(timeout, startNanos, approvals.waited(), approvals.awaiting(), System.nanoTime());
        if (delayMillis == 0) {
            onExpired.run();
            return;
        }
        try {
            timer = scheduler.schedule(this::check, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closed) {
            onSchedulerClosed.run();
            return;
        }
        if (cancelled) {
            timer.cancel(false);
        }
    }

    /**
     * @param timeout the request's timeout
     * @param startNanos {@link System#nanoTime()} at the dispatch
     * @param approvalWait the time answered escalations waited
     * @param awaitingApproval whether an escalated request still waits
     * @param nowNanos {@link System#nanoTime()} now
     * @return 0 when the deadline passed; otherwise the milliseconds until the next look (at least 1; every
     *     {@value #AWAITING_RECHECK_MILLIS} ms while a request awaits approval)
     */
    static long millisUntilDue(Duration timeout, long startNanos, Duration approvalWait, boolean awaitingApproval, long nowNanos) {
        if (awaitingApproval) {
            return AWAITING_RECHECK_MILLIS;
        }
        long remainingNanos = startNanos + timeout.toNanos() + approvalWait.toNanos() - nowNanos;
        return remainingNanos > 0 ? Math.max(1, TimeUnit.NANOSECONDS.toMillis(remainingNanos)) : 0;
    }

    /**
     * The failure of an attempt whose deadline passed (its session was aborted).
     *
     * @param status the latest status seen, or {@code null}
     * @param sessionId the session, or {@code null} when none was created
     * @param now the current time, for the retry time of a {@code retry} status
     * @return {@code timeout}; or, when OpenCode was still waiting to retry the provider (status {@code retry}), the
     *     provider's condition ({@code rate_limited} / {@code provider_unavailable}) with the time of its next try
     */
    OpenCodeFailureException failure(SessionStatus status, String sessionId, Instant now) {
        if (status != null && status.isRetry()) {
            return new OpenCodeFailureException(RetryAfter.kindOf(status), "no verdict within " + timeout
                    + " while OpenCode was retrying the provider (attempt " + status.attempt() + ": " + status.message()
                    + "); the session was aborted", sessionId, null, null)
                    .withRetryAfter(RetryAfter.fromStatus(status, now));
        }
        return new OpenCodeFailureException(FailureKind.TIMEOUT, "no verdict within " + timeout + "; the session was aborted",
                sessionId, null, null);
    }

    /**
     * The failure of an attempt whose session OpenCode kept retrying past {@link SessionStatus#OPENCODE_RETRY_LIMIT}
     * attempts (OpenCode before 1.18 retries a failing provider without end; 1.18.33 gives up there), read from a
     * {@code session.status} event of type {@code retry}; its session is aborted.
     *
     * @param status the {@code retry} status past the limit
     * @param sessionId the session
     * @param now the current time, for the retry time the status names
     * @return {@code rate_limited} or {@code provider_unavailable}, as the status's message says, with the retry time
     */
    OpenCodeFailureException pastRetryLimit(SessionStatus status, String sessionId, Instant now) {
        return new OpenCodeFailureException(RetryAfter.kindOf(status), "OpenCode kept retrying the provider past the "
                + SessionStatus.OPENCODE_RETRY_LIMIT + " attempts after which 1.18.33 gives up (attempt " + status.attempt()
                + ": " + status.message() + "); the session was aborted", sessionId, null, null)
                .withRetryAfter(RetryAfter.fromStatus(status, now));
    }
}
