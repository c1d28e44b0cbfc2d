package org.camelopencode.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.camelopencode.client.SessionStatus;
import org.camelopencode.failure.FailureKind;
import org.camelopencode.failure.OpenCodeFailureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link AttemptDeadline}: when it is due (approval waits move it), what failure it gives, and that it leaves no timer. */
class AttemptDeadlineTest {

    private static final long SECOND = 1_000_000_000L;
    private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");

    @ParameterizedTest(name = "timeout {0} s, {1} s elapsed, {2} s approval wait, awaiting {3} -> {4} ms")
    @CsvSource({
            "30, 0, 0, false, 30000",
            "30, 29.5, 0, false, 500",
            "30, 30, 0, false, 0",
            "30, 45, 0, false, 0",
            "30, 30, 20, false, 20000",
            "30, 50, 20, false, 0",
            "30, 40, 0, true, 1000",
            "30, 29.9999999, 0, false, 1"})
    void isDueAfterTheTimeoutPlusTheApprovalWaitAndNeverWhileAwaiting(int timeoutSeconds, double elapsedSeconds,
            int waitedSeconds, boolean awaiting, long expectedMillis) {
        long start = 10 * SECOND;
        long now = start + (long) (elapsedSeconds * SECOND);

        assertThat(AttemptDeadline.millisUntilDue(Duration.ofSeconds(timeoutSeconds), start, Duration.ofSeconds(waitedSeconds),
                awaiting, now)).isEqualTo(expectedMillis);
    }

    @ParameterizedTest(name = "status {0} ({2}) -> {3}")
    @CsvSource(nullValues = "null", value = {
            "null, null, null, TIMEOUT, no verdict within PT30S; the session was aborted",
            "busy, null, null, TIMEOUT, no verdict within PT30S; the session was aborted",
            "retry, 3, Rate limit reached for requests., RATE_LIMITED, while OpenCode was retrying the provider (attempt 3: Rate limit",
            "retry, 2, Overloaded, PROVIDER_UNAVAILABLE, while OpenCode was retrying the provider (attempt 2: Overloaded)"})
    void failsAsTimeoutUnlessOpenCodeWasRetryingTheProvider(String type, Integer attempt, String message, FailureKind kind,
            String messagePart) {
        SessionStatus status = type == null ? null
                : new SessionStatus(type, attempt, message, type.equals("retry") ? NOW.plusSeconds(8).toEpochMilli() : null);
        AttemptDeadline deadline = new AttemptDeadline(null /* never started */, Duration.ofSeconds(30), 0,
                approvals(false, Duration.ZERO), () -> { }, () -> { });

        OpenCodeFailureException failure = deadline.failure(status, "ses_1", NOW);

        assertThat(failure.getKind()).isEqualTo(kind);
        assertThat(failure.getMessage()).contains(messagePart);
        assertThat(failure.getSessionId()).isEqualTo("ses_1");
        assertThat(failure.getRetryAfter()).isEqualTo(kind == FailureKind.TIMEOUT ? null : Duration.ofSeconds(8));
    }

    @Test
    void expiresOnceAndLeavesNoTimerAfterCancel() {
        ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1);
        timers.setRemoveOnCancelPolicy(true);
        try {
            AtomicInteger expired = new AtomicInteger();
            new AttemptDeadline(timers, Duration.ofMillis(50), System.nanoTime(), approvals(false, Duration.ZERO),
                    expired::incrementAndGet, () -> { }).start();
            await().atMost(Duration.ofSeconds(5)).until(() -> expired.get() == 1 && timers.getQueue().isEmpty());

            AtomicBoolean awaiting = new AtomicBoolean(true);
            AttemptDeadline held = new AttemptDeadline(timers, Duration.ofMillis(1), System.nanoTime(), new AttemptDeadline.Approvals() {
                @Override
                public boolean awaiting() {
                    return awaiting.get();
                }

                @Override
                public Duration waited() {
                    return Duration.ZERO;
                }
            }, expired::incrementAndGet, () -> { });
            held.start();
            await().atMost(Duration.ofSeconds(5)).until(() -> timers.getCompletedTaskCount() >= 2);
            assertThat(expired.get()).as("held while a request awaits approval").isEqualTo(1);
            held.cancel();
            // A look running on the timer thread while cancel() runs re-schedules and then cancels its own timer itself.
            await().atMost(Duration.ofSeconds(5)).until(() -> timers.getQueue().isEmpty());
            assertThat(expired.get()).as("a cancelled deadline never expires").isEqualTo(1);
        } finally {
            timers.shutdownNow();
        }
    }

    private static AttemptDeadline.Approvals approvals(boolean awaiting, Duration waited) {
        return new AttemptDeadline.Approvals() {
            @Override
            public boolean awaiting() {
                return awaiting;
            }

            @Override
            public Duration waited() {
                return waited;
            }
        };
    }
}
