package org.camelopencode.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.camelopencode.agent.AgentRunSummary;
import org.camelopencode.client.EventListener;
import org.camelopencode.client.MessageWithParts;
import org.camelopencode.client.OpenCodeClient;
import org.camelopencode.client.OpenCodeClientException;
import org.camelopencode.client.OpenCodeEvent;
import org.camelopencode.client.SessionStatus;
import org.camelopencode.client.SessionStatusChanged;
import org.camelopencode.failure.FailureClassifier;
import org.camelopencode.failure.FailureKind;
import org.camelopencode.failure.OpenCodeFailureException;
import org.camelopencode.failure.RetryAfter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attempt in flight, as a {@link Phase} machine: session, prompt, then the {@link GateStep} on every relevant event
 * ({@code session.idle}, {@code session.status}), on reconnects of the event stream and on a slow safety poll, until a
 * decision, an interruption or the {@link AttemptDeadline}. What it knows of the session is one {@link GateSnapshot},
 * replaced atomically; whether it started the turn or re-attached to one is its {@link RunMode}.
 *
 * <p>A reply that is not the expected JSON gets up to {@link DispatchLimits#jsonRetries()} stricter follow-up prompts in
 * the same session. Every counted step is held against the attempt's token and cost caps: over a cap the session is
 * aborted ({@link BoundedAbort}) and the attempt fails as {@code budget_exceeded}.
 */
final class DispatchRun implements EventListener {

    private static final Logger LOG = LoggerFactory.getLogger(DispatchRun.class);
    private static final long SETTLE_RECHECK_MILLIS = 200;
    private static final long UNREACHABLE_RECHECK_MILLIS = 1000;

    private final RunContext context;
    private final OpenCodeClient client;
    private final DispatchRequest request;
    /** Fresh, continued or re-attached; a re-attached run may turn out unprompted once its session is read. */
    private volatile RunMode mode;
    private final AttemptListener listener;
    private final AttemptOutcome outcome;
    private final RunPhase phase = new RunPhase(() -> this.sessionId);
    private final AtomicReference<GateSnapshot> snapshot;
    private final AtomicBoolean overBudget = new AtomicBoolean();
    private final InterruptionHandler interruptions;
    private final AttemptDeadline deadline;
    private final BoundedAbort aborts;
    private final FailedReads failedReads;
    private final CoalescingRunner evaluation = new CoalescingRunner(this::evaluate, this::submit, () -> phase.current().judging());
    private volatile String sessionId;
    private volatile GateStep step;
    private volatile SessionTally tally;
    private final SessionWatch watch = new SessionWatch();

    /**
     * @param context what the dispatcher's runs share
     * @param request the attempt
     * @param mode fresh or re-attached
     * @param existingSession the session to re-attach to ({@link RunMode#REATTACHED}), else {@code null}
     * @param listener told the new session before its prompt is sent (never for a re-attached one)
     */
    DispatchRun(RunContext context, DispatchRequest request, RunMode mode, String existingSession, AttemptListener listener) {
        this.context = context;
        this.client = context.clientFor(request);
        this.request = request;
        this.mode = mode;
        this.sessionId = existingSession;
        this.listener = listener;
        this.outcome = new AttemptOutcome(request);
        this.snapshot = new AtomicReference<>(GateSnapshot.initial(mode.initialTranscript()));
        this.aborts = new BoundedAbort(client, context.scheduler(), context.workers());
        this.failedReads = new FailedReads(context.options().serverLostTimeout());
        this.interruptions = new InterruptionHandler(client, request, context.scheduler(), this::interrupt,
                () -> scheduleEvaluation(UNREACHABLE_RECHECK_MILLIS), phase);
        this.deadline = new AttemptDeadline(context.scheduler(), request.timeout(), outcome.startNanos(), interruptions,
                this::onDeadlinePassed, () -> fail(FailureKind.PROVIDER_UNAVAILABLE, "the dispatcher was closed", null, null));
    }

    /** @param latencyListener told, on success, how long the gate took from the session going idle to the verdict */
    void onGateLatency(Consumer<Duration> latencyListener) {
        outcome.onGateLatency(latencyListener);
    }

    CompletableFuture<DispatchResult> result() {
        return outcome.future();
    }

    void start() {
        deadline.start();
        submit(this::open);
    }

    /** Ends the attempt now: aborts its session and fails as {@code provider_unavailable} with the reason. */
    void cancel(String reason) {
        phase.advance(Phase.Trigger.ENDING_ON_PURPOSE);
        aborts.abort(sessionId);
        fail(FailureKind.PROVIDER_UNAVAILABLE, reason, null, null);
    }

    /** @return what this attempt is doing now */
    DispatchProgress progress() {
        GateSnapshot seen = snapshot.get();
        return new DispatchProgress(request.sessionTitle(), sessionId, phase.current().progressState(seen.idle()),
                outcome.elapsed(), seen.usage());
    }

    private void open() {
        SchemaCheck schemaCheck = compileSchema();
        try {
            if (phase.decided()) {
                return;
            }
            String session = mode.session(client, request, sessionId);
            sessionId = session;
            mode = mode.resolved(client, request, session);
            String judgedAfter = mode.judgedAfter(client, request, session);
            if (judgedAfter != null) {
                snapshot.updateAndGet(seen -> seen.judgingOnlyAfter(judgedAfter));
            }
            if (!ready(session, schemaCheck)) {
                return; // decided or ending (the deadline passed) while the session was being created: never start the turn
            }
            watch.subscribe(client.eventStream(), session, this);
            mode.startTurn(context, client, request, session, judgedAfter, listener, evaluation::request, this::finishWith);
            watch.poll(context.scheduler(), context.options().pollInterval(), evaluation::request);
        } catch (OpenCodeClientException failure) {
            finishWith(FailureClassifier.fromClientException(failure, sessionId));
        } catch (OpenCodeFailureException classified) {
            finishWith(classified);
        } catch (RuntimeException unexpected) {
            fail(FailureKind.AGENT_ERROR, mode.startFailure() + unexpected, null, unexpected);
        }
    }

    /** @return whether the session is watched from now on (not when the attempt was decided or ends meanwhile) */
    private boolean ready(String session, SchemaCheck schemaCheck) {
        step = new GateStep(request, session, schemaCheck, mode, context.options().settleTimeout());
        tally = new SessionTally(session);
        return phase.advance(Phase.Trigger.SESSION_READY) == Phase.STARTING;
    }

    /** @return the compiled schema, or {@code null} without one or when it is invalid (the attempt then failed as invalid_task) */
    private SchemaCheck compileSchema() {
        try {
            return request.schema() == null ? null : SchemaCheck.compile(request.schema());
        } catch (IllegalArgumentException invalid) {
            fail(FailureKind.INVALID_TASK, invalid.getMessage(), null, null);
            return null;
        }
    }

    // Event-stream callbacks run on the stream's reader thread: record and hand off, never block.

    @Override
    public void onEvent(OpenCodeEvent event) {
        SessionTally counting = tally;
        if (phase.decided() || counting == null) {
            return;
        }
        AgentRunSummary usage = counting.accept(event);
        long now = System.nanoTime();
        GateSnapshot before = snapshot.getAndUpdate(seen -> seen.withEvent(event, usage, now));
        Optional<String> over = request.limits().exceededBy(usage.tokens(), usage.cost());
        if (over.isPresent() && overBudget.compareAndSet(false, true)) {
            // Over a cap: abort at once (the session may be mid-turn, still spending) and fail.
            endOnPurpose(() -> {
                aborts.abort(sessionId);
                fail(FailureKind.BUDGET_EXCEEDED, over.get() + "; the session was aborted", null, null);
            });
        }
        if (before.reportsIdle(event)) {
            evaluation.request();
        }
        if (event instanceof SessionStatusChanged changed && changed.status() != null && changed.status().isPastRetryLimit()) {
            endOnPurpose(() -> { // OpenCode before 1.18 retries a failing provider without end: stop where 1.18.33 gives up
                aborts.abort(sessionId);
                finishWith(deadline.pastRetryLimit(changed.status(), sessionId, Instant.now()));
            });
        }
        interruptions.onEvent(sessionId, event, this::submit);
    }

    @Override
    public void onConnected(boolean reconnected) {
        if (reconnected) {
            onDisconnected(null); // events missed while disconnected are not replayed: re-sync from status and messages
        }
    }

    @Override
    public void onDisconnected(Throwable cause) {
        snapshot.updateAndGet(GateSnapshot::withMissedEvents);
        evaluation.request();
    }

    private void evaluate() {
        try {
            boolean idleByEvent = snapshot.getAndUpdate(GateSnapshot::withoutIdleReport).idleReportedByEvent();
            // A stale idle (of the turn before a stricter JSON prompt) only leads to a settle re-check, which asks the server.
            SessionStatus status = idleByEvent ? null : client.sessionStatuses().getOrDefault(sessionId, SessionStatus.idle());
            failedReads.reached();
            long now = System.nanoTime();
            GateSnapshot seen = snapshot.updateAndGet(current -> status == null ? current.seenIdle(now)
                    : current.withPolledStatus(status, now));
            if (!seen.idle()) {
                phase.advance(Phase.Trigger.SEEN_BUSY);
                interruptions.checkPending(sessionId);
                return;
            }
            Optional<List<MessageWithParts>> fromEvents = idleByEvent ? seen.transcript().messages() : Optional.empty();
            Optional<GateDecision> decision = fromEvents.flatMap(messages -> step.decideFromEvents(seen, messages));
            if (decision.isEmpty()) {
                List<MessageWithParts> messages = client.readableMessages(sessionId, request.schema() != null);
                decision = Optional.of(step.decide(snapshot.get(), messages, interruptions.lastRejection(), System.nanoTime()));
            }
            carryOut(decision.get());
        } catch (OpenCodeClientException failure) {
            failedReads.after(failure, sessionId, System.nanoTime()).ifPresentOrElse(this::finishWith,
                    () -> scheduleEvaluation(UNREACHABLE_RECHECK_MILLIS));
        } catch (RuntimeException unexpected) {
            // A bug here must end the attempt with a reason, not leave it waiting for its deadline.
            LOG.error("Session {}: judging the session failed", sessionId, unexpected);
            fail(FailureKind.AGENT_ERROR, "judging the session failed: " + unexpected, null, unexpected);
        }
    }

    private void carryOut(GateDecision decision) {
        if (decision instanceof GateDecision.Complete complete) {
            if (phase.advance(Phase.Trigger.DECIDED) != Phase.DONE) {
                outcome.complete(complete.result(), snapshot.get());
                cleanUp();
            }
        } else if (decision instanceof GateDecision.AskAgainForJson ask) {
            GateSnapshot asked = snapshot.updateAndGet(current -> current.afterStricterPrompt(ask.rejectedReplyId()));
            phase.advance(Phase.Trigger.STRICTER_PROMPT_SENT);
            LOG.info("Session {}: reply {} was not the expected JSON ({}); asking again, stricter JSON retry {} of {}", sessionId,
                    ask.rejectedReplyId(), ask.reason(), asked.jsonRetries().used(), request.limits().jsonRetries());
            client.promptAsync(sessionId, Prompts.stricterJson(request, ask.reason()));
            scheduleEvaluation(SETTLE_RECHECK_MILLIS);
        } else if (decision instanceof GateDecision.Settle) {
            phase.advance(Phase.Trigger.AWAITING_FINAL_MESSAGE);
            scheduleEvaluation(SETTLE_RECHECK_MILLIS);
        } else if (decision instanceof GateDecision.Lost lost) {
            fail(FailureKind.PROVIDER_UNAVAILABLE, lost.message(), null, null);
        } else if (decision instanceof GateDecision.Fail failed) {
            if (failed.kind() == FailureKind.BUDGET_EXCEEDED) {
                overBudget.set(true); // no second ending for the cap the gate found
            }
            finishWith(new OpenCodeFailureException(failed.kind(), failed.message(), sessionId, failed.request(), null)
                    .withRetryAfter(RetryAfter.fromError(failed.error(), Instant.now())));
        }
    }

    private void scheduleEvaluation(long delayMillis) {
        context.schedule(evaluation::request, delayMillis, this::closedUnderneath);
    }

    private void onDeadlinePassed() {
        if (!phase.decided()) {
            SessionStatus status = snapshot.get().latestStatus();
            endOnPurpose(() -> {
                aborts.abort(sessionId);
                finishWith(deadline.failure(status, sessionId, Instant.now()));
            });
        }
    }

    private void interrupt(FailureKind kind, String message, JsonNode pendingRequest) {
        if (!phase.decided()) {
            endOnPurpose(() -> {
                // Withdraw the request and abort, so the session does not hang on the server waiting for an answer nobody gives.
                interruptions.withdraw(pendingRequest);
                aborts.abort(sessionId);
                fail(kind, message, pendingRequest, null);
            });
        }
    }

    /** Ends the attempt on a worker (aborting, withdrawing); from now on the turn this ends is not judged as the agent's reply. */
    private void endOnPurpose(Runnable ending) {
        phase.advance(Phase.Trigger.ENDING_ON_PURPOSE);
        submit(ending);
    }

    private void fail(FailureKind kind, String message, JsonNode pendingRequest, Throwable cause) {
        finishWith(new OpenCodeFailureException(kind, message, sessionId, pendingRequest, cause));
    }

    private void finishWith(OpenCodeFailureException failure) {
        if (phase.advance(Phase.Trigger.DECIDED) != Phase.DONE) {
            outcome.fail(failure, snapshot.get());
            cleanUp();
        }
    }

    private void cleanUp() {
        interruptions.close();
        deadline.cancel();
        watch.close();
    }

    private void submit(Runnable task) {
        context.execute(task, this::closedUnderneath);
    }

    private void closedUnderneath(RejectedExecutionException closed) {
        fail(FailureKind.PROVIDER_UNAVAILABLE, "the dispatcher was closed", null, closed);
    }
}
