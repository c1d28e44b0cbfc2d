package org.camelopencode.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.camelopencode.agent.AgentRunTally;
import org.camelopencode.agent.ServerEventNormalizer;
import org.camelopencode.client.CreateSessionRequest;
import org.camelopencode.client.EventListener;
import org.camelopencode.client.EventStream;
import org.camelopencode.client.MessageError;
import org.camelopencode.client.MessageUpdated;
import org.camelopencode.client.MessageWithParts;
import org.camelopencode.client.OpenCodeApiException;
import org.camelopencode.client.OpenCodeAuthenticationException;
import org.camelopencode.client.OpenCodeClient;
import org.camelopencode.client.OpenCodeClientException;
import org.camelopencode.client.OpenCodeConnectionException;
import org.camelopencode.client.OpenCodeEvent;
import org.camelopencode.client.OpenCodeProtocolException;
import org.camelopencode.client.PermissionAsked;
import org.camelopencode.client.PermissionReplied;
import org.camelopencode.client.PermissionRequest;
import org.camelopencode.client.PermissionRule;
import org.camelopencode.client.QuestionAsked;
import org.camelopencode.client.QuestionRejected;
import org.camelopencode.client.QuestionReplied;
import org.camelopencode.client.QuestionRequest;
import org.camelopencode.client.SessionError;
import org.camelopencode.client.SessionIdle;
import org.camelopencode.client.SessionStatus;
import org.camelopencode.client.SessionStatusChanged;
import org.camelopencode.client.Subscription;
import org.camelopencode.failure.FailureClassifier;
import org.camelopencode.failure.FailureKind;
import org.camelopencode.failure.OpenCodeFailureException;
import org.camelopencode.failure.RetryAfter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attempt in flight: session, prompt, then the gate re-judged on every relevant event
 * ({@code session.idle}, {@code session.status}), on reconnects of the event stream and on a
 * slow safety poll, until a verdict, an interruption or the deadline.
 *
 * <p>A reply that is not the expected JSON gets up to {@link DispatchLimits#jsonRetries()} stricter
 * follow-up prompts in the same session; the gate then judges only the messages after the rejected
 * reply. Every counted step is held against the attempt's token and cost caps: over a cap the
 * session is aborted and the attempt fails as {@code budget_exceeded}.
 */
final class DispatchRun implements EventListener {

    private static final Logger LOG = LoggerFactory.getLogger(DispatchRun.class);
    private static final long SETTLE_RECHECK_MILLIS = 200;
    private static final long UNREACHABLE_RECHECK_MILLIS = 1000;
    private static final int MAX_SCHEMA_MESSAGES = 64;
    private static final int ABORT_CONFIRMATIONS = 3;
    private static final long ABORT_CONFIRM_DELAY_MILLIS = 1000;
    private static final long DEADLINE_RECHECK_MILLIS = 1000;
    /** Read-only sessions: the server denies every edit (edit, write, patch) without asking. */
    private static final List<PermissionRule> READ_ONLY_RULES = List.of(new PermissionRule("edit", "*", "deny"));

    private final OpenCodeClient client;
    private final DispatchRequest request;
    /** Re-attached to a session another process started: no session is created and no prompt sent. */
    private final boolean attached;
    private final SessionCreatedListener sessionListener;
    private volatile Consumer<Duration> gateLatencyListener;
    private final DispatchOptions options;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService workers;
    private final CompletableFuture<DispatchResult> result = new CompletableFuture<>();
    private final AtomicBoolean evaluating = new AtomicBoolean();
    private final AtomicBoolean evaluateAgain = new AtomicBoolean();
    private final long startNanos = System.nanoTime();

    private volatile String sessionId;
    private volatile Subscription subscription;
    private volatile ScheduledFuture<?> deadline;
    private volatile ScheduledFuture<?> poll;
    private volatile long idleSinceNanos = -1;
    private volatile long unreachableSinceNanos = -1;
    private volatile MessageError lastSessionError;
    private final InterruptionHandler interruptions;
    private final AgentRunTally tally = new AgentRunTally();
    private volatile ServerEventNormalizer normalizer;
    private volatile SchemaCheck schemaCheck;
    /** The id of the last reply a stricter JSON prompt answered; the gate judges only what comes after it. */
    private volatile String rejectedReplyId;
    private volatile int jsonRetriesUsed;
    private final AtomicBoolean overBudget = new AtomicBoolean();
    /** The latest status seen (event or poll); a {@code retry} one says when OpenCode tries the provider again. */
    private volatile SessionStatus latestStatus;
    /**
     * Set by an idle event of the live stream, cleared by a busy one and by each prompt: the next evaluation may skip
     * {@code GET /session/status} (one round trip less between the turn's end and the result). Polls, reconnects and
     * settle re-checks still ask the server.
     */
    private final AtomicBoolean idleReportedByEvent = new AtomicBoolean();
    /**
     * Set before this attempt aborts its session or withdraws a request on purpose (deadline, budget, an unanswerable
     * interruption, cancel): the turn that this ends must not be judged as the agent's reply in the meantime.
     */
    private volatile boolean endingOnPurpose;
    /** The messages as the session's events describe them: a finished turn needs no read of the server. */
    private final EventTranscript transcript = new EventTranscript();

    DispatchRun(OpenCodeClient client, DispatchRequest request, DispatchOptions options,
            ScheduledExecutorService scheduler, ExecutorService workers) {
        this(client, request, options, scheduler, workers, null, null);
    }

    /**
     * @param existingSession a session to re-attach to (no session created, no prompt sent), or {@code null} for a new one
     * @param sessionListener told the new session's id before its prompt is sent, or {@code null}
     */
    DispatchRun(OpenCodeClient client, DispatchRequest request, DispatchOptions options,
            ScheduledExecutorService scheduler, ExecutorService workers, String existingSession,
            SessionCreatedListener sessionListener) {
        this.client = client;
        this.request = request;
        this.attached = existingSession != null;
        this.sessionId = existingSession;
        this.sessionListener = sessionListener;
        this.options = options;
        this.scheduler = scheduler;
        this.workers = workers;
        this.interruptions = new InterruptionHandler(client, request, scheduler, new InterruptionHandler.Outcome() {
            @Override
            public void interrupt(FailureKind kind, String message, JsonNode pendingRequest) {
                DispatchRun.this.interrupt(kind, message, pendingRequest);
            }

            @Override
            public void evaluateLater() {
                scheduleEvaluation(UNREACHABLE_RECHECK_MILLIS);
            }
        });
    }

    /** @param listener told, on success, how long the gate took from the session going idle to the verdict */
    void onGateLatency(Consumer<Duration> listener) {
        this.gateLatencyListener = listener;
    }

    CompletableFuture<DispatchResult> result() {
        return result;
    }

    void start() {
        deadline = scheduler.schedule(this::onDeadline, request.timeout().toMillis(), TimeUnit.MILLISECONDS);
        submit(attached ? this::resume : this::begin);
    }

    /** Re-attached: watch the existing session with the same gate; its turn may be running, finished or dead. */
    private void resume() {
        if (!compileSchema()) {
            return;
        }
        try {
            normalizer = new ServerEventNormalizer(sessionId);
            subscription = client.eventStream().subscribe(sessionId, this);
            LOG.info("Re-attaching '{}' to its session {}", request.sessionTitle(), sessionId);
            long pollMillis = options.pollInterval().toMillis();
            poll = scheduler.scheduleWithFixedDelay(this::requestEvaluation, pollMillis, pollMillis, TimeUnit.MILLISECONDS);
            requestEvaluation();
            if (result.isDone()) {
                cleanUp();
            }
        } catch (RuntimeException unexpected) {
            fail(FailureKind.AGENT_ERROR, "re-attaching could not start: " + unexpected, null, unexpected);
        }
    }

    /** Re-attached and idle without a reply: the turn died with the process that started it. */
    private void failLost(String reason) {
        fail(FailureKind.PROVIDER_UNAVAILABLE, "lost: session " + sessionId + " is idle without a final reply (" + reason
                + "); its turn ended with the runner or server that started it", null, null);
    }

    void cancel(String reason) {
        endingOnPurpose = true;
        abortQuietly();
        fail(FailureKind.PROVIDER_UNAVAILABLE, reason, null, null);
    }

    /**
     * Ends the attempt on a worker by aborting the session or withdrawing a request; from now on the turn this ends is
     * not judged as the agent's reply.
     */
    private void endOnPurpose(Runnable ending) {
        endingOnPurpose = true;
        submit(ending);
    }

    private void begin() {
        if (!compileSchema()) {
            return;
        }
        try {
            sessionId = client.createSession(new CreateSessionRequest(request.sessionTitle(),
                    request.interaction().readOnly() ? READ_ONLY_RULES : null)).id();
            if (result.isDone()) {
                // The deadline passed while the session was being created: never start the turn.
                return;
            }
            notifySessionCreated();
            normalizer = new ServerEventNormalizer(sessionId);
            EventStream events = client.eventStream();
            subscription = events.subscribe(sessionId, this);
            LOG.info("Dispatching '{}' in session {}{}", request.sessionTitle(), sessionId,
                    request.model() == null ? "" : " with model " + request.model());
            client.promptAsync(sessionId, Prompts.of(request));
            long pollMillis = options.pollInterval().toMillis();
            poll = scheduler.scheduleWithFixedDelay(this::requestEvaluation, pollMillis, pollMillis, TimeUnit.MILLISECONDS);
            if (result.isDone()) {
                // Decided (deadline, interruption) while starting: release what was set up after the clean-up ran.
                cleanUp();
            }
        } catch (OpenCodeClientException failure) {
            finishWith(FailureClassifier.fromClientException(failure, sessionId));
        } catch (RuntimeException unexpected) {
            fail(FailureKind.AGENT_ERROR, "dispatch could not start: " + unexpected, null, unexpected);
        }
    }

    /** @return false when the request's schema is not a valid JSON Schema (the attempt then failed as invalid_task) */
    private boolean compileSchema() {
        try {
            schemaCheck = request.schema() == null ? null : SchemaCheck.compile(request.schema());
            return true;
        } catch (IllegalArgumentException invalid) {
            fail(FailureKind.INVALID_TASK, invalid.getMessage(), null, null);
            return false;
        }
    }

    /** Before the prompt: a caller that records sessions (the ledger) knows it before any paid work starts. */
    private void notifySessionCreated() {
        if (sessionListener == null) {
            return;
        }
        try {
            sessionListener.sessionCreated(request, sessionId);
        } catch (RuntimeException failure) {
            LOG.warn("Session {}: recording it failed: {}", sessionId, failure.getMessage());
        }
    }

    // Event-stream callbacks run on the stream's reader thread: record and hand off, never block.

    @Override
    public void onEvent(OpenCodeEvent event) {
        if (result.isDone()) {
            return;
        }
        countProgress(event);
        if (!attached) {
            transcript.accept(event); // a re-attached session is always judged on a read of the server
        }
        if (event instanceof SessionIdle) {
            markIdle();
            idleReportedByEvent.set(true);
            requestEvaluation();
        } else if (event instanceof SessionStatusChanged changed) {
            latestStatus = changed.status();
            if (changed.status() == null || changed.status().isIdle()) {
                markIdle();
                idleReportedByEvent.set(true);
                requestEvaluation();
            } else {
                idleReportedByEvent.set(false);
                idleSinceNanos = -1;
                if (changed.status().isPastRetryLimit()) {
                    endRetrying(changed.status(), "OpenCode kept retrying the provider past the "
                            + SessionStatus.OPENCODE_RETRY_LIMIT + " attempts after which 1.18.33 gives up");
                }
            }
        } else if (event instanceof MessageUpdated updated && idleSinceNanos >= 0 && updated.info() != null
                && updated.info().isAssistant() && updated.info().isCompleted()) {
            // Idle can come before the final message.updated: judge again now rather than at the next settle re-check.
            idleReportedByEvent.set(true);
            requestEvaluation();
        } else if (event instanceof PermissionAsked asked) {
            submit(() -> interruptions.onPermission(sessionId, asked.request()));
        } else if (event instanceof QuestionAsked asked) {
            submit(() -> interruptions.onQuestion(sessionId, asked.request()));
        } else if (event instanceof PermissionReplied replied) {
            interruptions.onAnswered(replied.requestId(), "reject".equals(replied.reply()));
        } else if (event instanceof QuestionReplied replied) {
            interruptions.onAnswered(replied.requestId(), false);
        } else if (event instanceof QuestionRejected rejected) {
            interruptions.onAnswered(rejected.requestId(), true);
        } else if (event instanceof SessionError error) {
            lastSessionError = error.error();
        }
    }

    /** Feeds the progress tally; a surprise in an event's shape must never stop the gate. */
    private void countProgress(OpenCodeEvent event) {
        ServerEventNormalizer current = normalizer;
        if (current == null) {
            return;
        }
        try {
            tally.acceptAll(current.accept(event));
        } catch (RuntimeException unexpected) {
            LOG.debug("Session {}: event {} not counted for progress: {}", sessionId, event.type(), unexpected.toString());
        }
        checkBudget();
    }

    /** Over a cap: abort at once (the session may be mid-turn, still spending) and fail. */
    private void checkBudget() {
        var usage = tally.snapshot();
        Optional<String> over = request.limits().exceededBy(usage.tokens(), usage.cost());
        if (over.isPresent() && overBudget.compareAndSet(false, true)) {
            endOnPurpose(() -> {
                abortQuietly();
                fail(FailureKind.BUDGET_EXCEEDED, over.get() + "; the session was aborted", null, null);
            });
        }
    }

    /** @return what this attempt is doing now */
    DispatchProgress progress() {
        String state = sessionId == null ? "starting"
                : interruptions.awaitingApproval() ? "awaiting approval"
                : idleSinceNanos >= 0 ? "idle" : "busy";
        return new DispatchProgress(request.sessionTitle(), sessionId, state, elapsed(), tally.snapshot());
    }

    @Override
    public void onConnected(boolean reconnected) {
        if (reconnected) {
            transcript.missedEvents();
            // Events missed while disconnected are not replayed: re-sync from status and messages.
            requestEvaluation();
        }
    }

    @Override
    public void onDisconnected(Throwable cause) {
        transcript.missedEvents();
        requestEvaluation();
    }

    private void markIdle() {
        if (idleSinceNanos < 0) {
            idleSinceNanos = System.nanoTime();
        }
    }

    private void requestEvaluation() {
        if (result.isDone() || sessionId == null) {
            return;
        }
        evaluateAgain.set(true);
        if (evaluating.compareAndSet(false, true)) {
            submit(this::evaluateWhileRequested);
        }
    }

    private void evaluateWhileRequested() {
        try {
            while (evaluateAgain.getAndSet(false) && !result.isDone()) {
                evaluate();
            }
        } finally {
            evaluating.set(false);
        }
        if (evaluateAgain.get() && !result.isDone()) {
            requestEvaluation();
        }
    }

    private void evaluate() {
        if (endingOnPurpose) {
            return;
        }
        try {
            boolean busy;
            boolean idleByEvent = idleReportedByEvent.getAndSet(false);
            if (idleByEvent) {
                // A stale idle (e.g. of the turn before a stricter JSON prompt) only leads to a Pending verdict and a
                // settle re-check, which asks the server.
                busy = false;
            } else {
                SessionStatus status = client.sessionStatuses().getOrDefault(sessionId, SessionStatus.idle());
                latestStatus = status;
                busy = !status.isIdle();
            }
            unreachableSinceNanos = -1;
            if (busy) {
                idleSinceNanos = -1;
                checkPendingRequests();
                return;
            }
            markIdle();
            if (idleByEvent && completedFromEvents()) {
                return;
            }
            List<MessageWithParts> messages = readMessages();
            GateVerdict verdict = CompletionGate.judge(request, sessionId, false, notYetJudged(messages), schemaCheck);
            if (verdict instanceof GateVerdict.Completed completed) {
                complete(completed.result(), messages);
            } else if (verdict instanceof GateVerdict.Failed failed && failed.kind() == FailureKind.ASSISTANT_OUTPUT_NOT_JSON
                    && jsonRetriesUsed < request.limits().jsonRetries()) {
                askAgainForJson(failed.message(), CompletionGate.latestAssistant(notYetJudged(messages)).orElseThrow());
            } else if (verdict instanceof GateVerdict.Failed failed && attached && jsonRetriesUsed == 0) {
                failLost(failed.message());
            } else if (verdict instanceof GateVerdict.Failed failed) {
                InterruptionHandler.Rejection rejection = interruptions.lastRejection();
                if (rejection != null) {
                    // The rejection ended the turn; the missing reply is its consequence, not the model's fault.
                    fail(FailureKind.REQUEST_REJECTED, rejection.described() + ", and the turn ended without a reply ("
                            + failed.message() + ")", rejection.request(), null);
                } else {
                    failJudged(failed);
                }
            } else {
                settleOrGiveUp(((GateVerdict.Pending) verdict).reason());
            }
        } catch (OpenCodeConnectionException unreachable) {
            onUnreachable(unreachable);
        } catch (OpenCodeAuthenticationException | OpenCodeProtocolException fatal) {
            finishWith(FailureClassifier.fromClientException(fatal, sessionId));
        } catch (OpenCodeClientException other) {
            if (other instanceof OpenCodeApiException rejected && rejected.statusCode() >= 400 && rejected.statusCode() < 500
                    && rejected.statusCode() != 429) {
                // The server refuses to show this session's state; asking again gets the same answer until the deadline.
                finishWith(FailureClassifier.fromClientException(rejected, sessionId));
                return;
            }
            LOG.warn("Session {}: reading its state failed ({}); retrying", sessionId, other.getMessage());
            scheduleEvaluation(UNREACHABLE_RECHECK_MILLIS);
        } catch (RuntimeException unexpected) {
            // A bug here must end the attempt with a reason, not leave it waiting for its deadline.
            LOG.error("Session {}: judging the session failed", sessionId, unexpected);
            fail(FailureKind.AGENT_ERROR, "judging the session failed: " + unexpected, null, unexpected);
        }
    }

    /**
     * After a stricter JSON prompt, the rejected reply is still the session's latest completed
     * assistant message until the new turn writes one: judge only the messages after it.
     */
    private List<MessageWithParts> notYetJudged(List<MessageWithParts> messages) {
        String rejected = rejectedReplyId;
        if (rejected == null) {
            return messages;
        }
        for (int index = messages.size() - 1; index >= 0; index--) {
            if (messages.get(index).info() != null && rejected.equals(messages.get(index).info().id())) {
                return messages.subList(index + 1, messages.size());
            }
        }
        // Not listed: only the newest messages were readable (schema prompts), all of them after it.
        return messages;
    }

    /** Sends the stricter follow-up prompt in the same session; the next verdicts judge its reply. */
    private void askAgainForJson(String reason, MessageWithParts rejected) {
        jsonRetriesUsed++;
        rejectedReplyId = rejected.info().id();
        idleSinceNanos = -1;
        idleReportedByEvent.set(false);
        lastSessionError = null;
        LOG.info("Session {}: reply {} was not the expected JSON ({}); asking again, stricter JSON retry {} of {}", sessionId,
                rejectedReplyId, reason, jsonRetriesUsed, request.limits().jsonRetries());
        client.promptAsync(sessionId, Prompts.stricterJson(request, reason));
        scheduleEvaluation(SETTLE_RECHECK_MILLIS);
    }

    private void failJudged(GateVerdict.Failed failed) {
        String message = failed.message();
        if (failed.kind() == FailureKind.ASSISTANT_OUTPUT_NOT_JSON && jsonRetriesUsed > 0) {
            message += " (after " + jsonRetriesUsed + " stricter JSON " + (jsonRetriesUsed == 1 ? "retry" : "retries")
                    + " in the same session)";
        }
        finishWith(new OpenCodeFailureException(failed.kind(), message, sessionId, null, null)
                .withRetryAfter(RetryAfter.fromError(failed.error(), Instant.now())));
    }

    /**
     * The happy path without a round trip: idle by event, and the session's own events show a complete, valid reply
     * (what the server would list: the events are its updates of those messages). Anything else, including every
     * failure, is judged on a read of the server.
     *
     * @return true when the attempt completed
     */
    private boolean completedFromEvents() {
        if (attached) {
            return false; // watched from the middle of the session: its events are not all here
        }
        Optional<List<MessageWithParts>> seen = transcript.messages();
        if (seen.isEmpty()) {
            return false;
        }
        List<MessageWithParts> messages = seen.get();
        if (CompletionGate.judge(request, sessionId, false, notYetJudged(messages), schemaCheck) instanceof GateVerdict.Completed completed) {
            complete(completed.result(), messages);
            return true;
        }
        return false;
    }

    /** Reads the session's messages, oldest first; see {@link #newestReadableMessages()} for schema prompts. */
    private List<MessageWithParts> readMessages() {
        try {
            return client.messages(sessionId, null);
        } catch (OpenCodeApiException rejected) {
            if (request.schema() == null || rejected.statusCode() != 400) {
                throw rejected;
            }
            return newestReadableMessages();
        }
    }

    /**
     * OpenCode 1.18.33 answers 400 ("Expected OutputFormatJsonSchema") for any message list that
     * includes a user message sent with {@code format: json_schema}, while the assistant messages
     * after it still read with {@code ?limit=N}: read the newest ones until the server refuses.
     */
    private List<MessageWithParts> newestReadableMessages() {
        List<MessageWithParts> readable;
        try {
            readable = client.messages(sessionId, 1);
        } catch (OpenCodeApiException refused) {
            if (refused.statusCode() != 400) {
                throw refused;
            }
            // The newest message is the schema prompt itself (a follow-up not answered yet): no reply to judge.
            return List.of();
        }
        for (int limit = 2; limit <= MAX_SCHEMA_MESSAGES && readable.size() == limit - 1; limit++) {
            try {
                readable = client.messages(sessionId, limit);
            } catch (OpenCodeApiException refused) {
                if (refused.statusCode() != 400) {
                    throw refused;
                }
                break;
            }
        }
        return readable;
    }

    /** Idle but the final message is not readable yet: look again shortly, within the settle time. */
    private void settleOrGiveUp(String reason) {
        long idleFor = System.nanoTime() - idleSinceNanos;
        if (idleFor < options.settleTimeout().toNanos()) {
            scheduleEvaluation(SETTLE_RECHECK_MILLIS);
            return;
        }
        MessageError sessionError = lastSessionError;
        if (attached && jsonRetriesUsed == 0) {
            failLost(reason);
        } else if (sessionError != null) {
            finishWith(new OpenCodeFailureException(FailureClassifier.classify(sessionError),
                    FailureClassifier.describe(sessionError), sessionId, null, null)
                    .withRetryAfter(RetryAfter.fromError(sessionError, Instant.now())));
        } else {
            fail(FailureKind.AGENT_ERROR, "the session went idle but " + reason, null, null);
        }
    }

    /** A busy session may be waiting on a request whose event was missed during a reconnect. */
    private void checkPendingRequests() {
        for (PermissionRequest permission : client.permissions()) {
            if (sessionId.equals(permission.sessionId())) {
                interruptions.onPermission(sessionId, permission);
            }
        }
        for (QuestionRequest question : client.questions()) {
            if (sessionId.equals(question.sessionId())) {
                interruptions.onQuestion(sessionId, question);
            }
        }
    }

    private void onUnreachable(OpenCodeConnectionException unreachable) {
        long now = System.nanoTime();
        if (unreachableSinceNanos < 0) {
            unreachableSinceNanos = now;
        }
        if (now - unreachableSinceNanos >= options.serverLostTimeout().toNanos()) {
            finishWith(FailureClassifier.fromClientException(unreachable, sessionId));
        } else {
            scheduleEvaluation(UNREACHABLE_RECHECK_MILLIS);
        }
    }

    private void scheduleEvaluation(long delayMillis) {
        try {
            scheduler.schedule(this::requestEvaluation, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closed) {
            fail(FailureKind.PROVIDER_UNAVAILABLE, "the dispatcher was closed", null, null);
        }
    }

    private void onDeadline() {
        if (result.isDone()) {
            return;
        }
        // Time spent waiting for a person's approval is not the agent's: the deadline moves by it.
        long remainingNanos = startNanos + request.timeout().toNanos() + interruptions.approvalWait().toNanos() - System.nanoTime();
        if (interruptions.awaitingApproval() || remainingNanos > 0) {
            long delayMillis = interruptions.awaitingApproval() ? DEADLINE_RECHECK_MILLIS
                    : Math.max(1, TimeUnit.NANOSECONDS.toMillis(remainingNanos));
            try {
                deadline = scheduler.schedule(this::onDeadline, delayMillis, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException closed) {
                fail(FailureKind.PROVIDER_UNAVAILABLE, "the dispatcher was closed", null, null);
            }
            return;
        }
        SessionStatus status = latestStatus;
        if (status != null && status.isRetry()) {
            // OpenCode was still waiting to retry the provider: the provider's condition is the cause, not the agent.
            endRetrying(status, "no verdict within " + request.timeout() + " while OpenCode was retrying the provider");
            return;
        }
        endOnPurpose(() -> {
            abortQuietly();
            fail(FailureKind.TIMEOUT, "no verdict within " + request.timeout() + "; the session was aborted", null, null);
        });
    }

    /** Aborts the session and fails with the provider's condition (rate_limited or provider_unavailable) the retry names. */
    private void endRetrying(SessionStatus status, String why) {
        if (result.isDone() || endingOnPurpose) {
            return;
        }
        endOnPurpose(() -> {
            abortQuietly();
            finishWith(new OpenCodeFailureException(RetryAfter.kindOf(status), why + " (attempt " + status.attempt() + ": "
                    + status.message() + "); the session was aborted", sessionId, null, null)
                    .withRetryAfter(RetryAfter.fromStatus(status, Instant.now())));
        });
    }

    private void interrupt(FailureKind kind, String message, JsonNode pendingRequest) {
        if (result.isDone()) {
            return;
        }
        endOnPurpose(() -> {
            // Withdraw the request and abort, so the session does not hang on the server waiting for an answer nobody gives.
            interruptions.withdraw(pendingRequest);
            abortQuietly();
            fail(kind, message, pendingRequest, null);
        });
    }

    private void abortQuietly() {
        String session = sessionId;
        if (session == null) {
            return;
        }
        try {
            client.abort(session);
        } catch (RuntimeException failure) {
            LOG.warn("Session {}: abort failed: {}", session, failure.getMessage());
        }
        confirmAborted(session, ABORT_CONFIRMATIONS);
    }

    /**
     * An abort that reaches the server before the turn's loop has started does not stop it: look
     * again shortly and abort once more while the session is still listed as busy, so no session is
     * left running (and paying) after its task has failed.
     */
    private void confirmAborted(String session, int checksLeft) {
        try {
            scheduler.schedule(() -> workers.execute(() -> {
                try {
                    if (client.sessionStatuses().containsKey(session)) {
                        LOG.warn("Session {} is still busy after abort; aborting again", session);
                        client.abort(session);
                        if (checksLeft > 1) {
                            confirmAborted(session, checksLeft - 1);
                        }
                    }
                } catch (RuntimeException failure) {
                    LOG.warn("Session {}: checking the abort failed: {}", session, failure.getMessage());
                }
            }), ABORT_CONFIRM_DELAY_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closed) {
            LOG.debug("Session {}: dispatcher closed, abort not confirmed", session);
        }
    }

    /**
     * @param checked the gate's result (its usage covers only the judged messages)
     * @param messages every message read, so the usage includes replies a stricter prompt rejected
     */
    private void complete(DispatchResult checked, List<MessageWithParts> messages) {
        DispatchResult timed = checked.withUsage(CompletionGate.tokensOf(messages), CompletionGate.costOf(messages))
                .withDuration(elapsed());
        // A turn that ended over its cap before the step event was counted is still over its cap.
        Optional<String> over = request.limits().exceededBy(timed.tokens(), timed.cost());
        if (over.isPresent()) {
            overBudget.set(true);
            fail(FailureKind.BUDGET_EXCEEDED, over.get(), null, null);
            return;
        }
        if (result.complete(timed)) {
            cleanUp();
            reportGateLatency();
            LOG.info("'{}' completed in {} ms in {} with model {}: {}", request.sessionTitle(), timed.duration().toMillis(), sessionId,
                    timed.model(), DispatchProgress.usage(tally.snapshot()));
        }
    }

    /** Completion detection latency: from the moment the session was seen idle to the verdict. */
    private void reportGateLatency() {
        Consumer<Duration> listener = gateLatencyListener;
        long idleSince = idleSinceNanos;
        if (listener == null || idleSince < 0) {
            return;
        }
        try {
            listener.accept(Duration.ofNanos(System.nanoTime() - idleSince));
        } catch (RuntimeException failure) {
            LOG.debug("Session {}: the gate latency listener failed: {}", sessionId, failure.toString());
        }
    }

    private void fail(FailureKind kind, String message, JsonNode pendingRequest, Throwable cause) {
        finishWith(new OpenCodeFailureException(kind, message, sessionId, pendingRequest, cause));
    }

    private void finishWith(OpenCodeFailureException failure) {
        if (result.isDone()) {
            return;
        }
        var usage = tally.snapshot();
        failure.attachUsage(request.model(), usage.tokens(), usage.cost(), elapsed());
        if (failure.getRetryAfter() == null && (failure.getKind() == FailureKind.RATE_LIMITED
                || failure.getKind() == FailureKind.PROVIDER_UNAVAILABLE)) {
            failure.withRetryAfter(RetryAfter.fromStatus(latestStatus, Instant.now()));
        }
        if (result.completeExceptionally(failure)) {
            cleanUp();
            LOG.info("'{}' failed after {} ms in {}: {} ({})", request.sessionTitle(), elapsed().toMillis(), sessionId,
                    failure.getMessage(), DispatchProgress.usage(tally.snapshot()));
        }
    }

    private void cleanUp() {
        interruptions.close();
        cancel(deadline);
        cancel(poll);
        Subscription current = subscription;
        if (current != null) {
            current.close();
        }
    }

    private static void cancel(ScheduledFuture<?> future) {
        if (future != null) {
            future.cancel(false);
        }
    }

    private Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    private void submit(Runnable task) {
        try {
            workers.execute(task);
        } catch (RejectedExecutionException closed) {
            finishWith(new OpenCodeFailureException(FailureKind.PROVIDER_UNAVAILABLE, "the dispatcher was closed",
                    sessionId, null, closed));
        }
    }
}
