package org.camelopencode.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.camelopencode.client.OpenCodeApiException;
import org.camelopencode.client.OpenCodeClient;
import org.camelopencode.client.OpenCodeClientException;
import org.camelopencode.client.OpenCodeEvent;
import org.camelopencode.client.OpenCodeJson;
import org.camelopencode.client.PermissionAsked;
import org.camelopencode.client.PermissionReplied;
import org.camelopencode.client.PermissionReply;
import org.camelopencode.client.PermissionRequest;
import org.camelopencode.client.QuestionAsked;
import org.camelopencode.client.QuestionRejected;
import org.camelopencode.client.QuestionReplied;
import org.camelopencode.client.QuestionRequest;
import org.camelopencode.failure.FailureKind;
import org.camelopencode.interaction.Escalation;
import org.camelopencode.interaction.InteractionPolicy;
import org.camelopencode.interaction.PendingInteraction;
import org.camelopencode.interaction.PermissionAction;
import org.camelopencode.interaction.PermissionDecision;
import org.camelopencode.interaction.QuestionDecision;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one attempt's permission and question requests by its {@link InteractionPolicy}: replies
 * through {@code POST /permission/{id}/reply}, {@code POST /question/{id}/reply} or {@code /reject},
 * or escalates and waits for the approval until the time to live passes. Each request is handled
 * once, whether it was seen as an event or found by polling.
 */
final class InterruptionHandler implements AttemptDeadline.Approvals {

    /** How the handler ends its dispatch. */
    @FunctionalInterface
    interface Outcome {
        /** End the attempt: abort the session and fail with the request attached. */
        void interrupt(FailureKind kind, String message, JsonNode request);
    }

    private static final Logger LOG = LoggerFactory.getLogger(InterruptionHandler.class);

    private final OpenCodeClient client;
    private final DispatchRequest dispatchRequest;
    private final ScheduledExecutorService scheduler;
    private final Outcome outcome;
    private final Runnable evaluateLater;
    private final Set<String> handled = ConcurrentHashMap.newKeySet();
    private final RunPhase phase;
    /** Guarded by {@link #lock}, so the starts and ends of the approval wait reach the phase in order. */
    private final Map<String, Escalated> escalated = new ConcurrentHashMap<>();
    private final Object lock = new Object();
    private final AtomicLong approvalWaitNanos = new AtomicLong();
    private volatile Rejection lastRejection;

    private record Escalated(long sinceNanos, ScheduledFuture<?> expiry, JsonNode request, String described) {
    }

    /** A request rejected by policy or by a person; it may have ended the turn. */
    record Rejection(JsonNode request, String described) {
    }

    /**
     * @param outcome ends the attempt when a request cannot be answered
     * @param evaluateLater asks for another look at the session soon (a reply could not be sent)
     * @param phase the run's phase: moved to {@link Phase#AWAITING_APPROVAL} while an escalated request waits
     */
    InterruptionHandler(OpenCodeClient client, DispatchRequest dispatchRequest, ScheduledExecutorService scheduler, Outcome outcome,
            Runnable evaluateLater, RunPhase phase) {
        this.evaluateLater = evaluateLater;
        this.phase = phase;
        this.client = client;
        this.dispatchRequest = dispatchRequest;
        this.scheduler = scheduler;
        this.outcome = outcome;
    }

    /**
     * Takes the session's interruption events: {@code permission.asked} and {@code question.asked} are decided on a
     * worker; {@code permission.replied}, {@code question.replied} and {@code question.rejected} end a wait.
     *
     * @param sessionId the session
     * @param event an event of the session (others are ignored)
     * @param submit hands a runnable to a worker thread (deciding may call the server)
     */
    void onEvent(String sessionId, OpenCodeEvent event, Consumer<Runnable> submit) {
        if (event instanceof PermissionAsked asked) {
            submit.accept(() -> onPermission(sessionId, asked.request()));
        } else if (event instanceof QuestionAsked asked) {
            submit.accept(() -> onQuestion(sessionId, asked.request()));
        } else if (event instanceof PermissionReplied replied) {
            onAnswered(replied.requestId(), "reject".equals(replied.reply()));
        } else if (event instanceof QuestionReplied replied) {
            onAnswered(replied.requestId(), false);
        } else if (event instanceof QuestionRejected rejected) {
            onAnswered(rejected.requestId(), true);
        }
    }

    /**
     * A busy session may be waiting on a request whose event was missed during a reconnect: reads {@code GET /permission}
     * and {@code GET /question} and decides the session's requests not handled yet.
     *
     * @param sessionId the session
     * @throws org.camelopencode.client.OpenCodeClientException when a read fails
     */
    void checkPending(String sessionId) {
        for (PermissionRequest permission : client.permissions()) {
            if (sessionId.equals(permission.sessionId())) {
                onPermission(sessionId, permission);
            }
        }
        for (QuestionRequest question : client.questions()) {
            if (sessionId.equals(question.sessionId())) {
                onQuestion(sessionId, question);
            }
        }
    }

    /** Decides a permission request (from {@code permission.asked} or {@code GET /permission}). */
    void onPermission(String sessionId, PermissionRequest request) {
        if (!handled.add(request.id())) {
            return;
        }
        JsonNode json = OpenCodeJson.mapper().valueToTree(request);
        String described = "the agent asked for permission '" + request.permission() + "' " + request.patterns();
        Optional<PermissionDecision> decision = policy().effectivePermissions().decide(request);
        if (decision.isEmpty() || decision.get().action() == PermissionAction.ESCALATE) {
            escalate(FailureKind.PENDING_PERMISSION, PendingInteraction.PERMISSION, sessionId, request.id(), json, described,
                    decision.map(PermissionDecision::rule).orElse(null));
            return;
        }
        PermissionDecision decided = decision.get();
        PermissionReply reply = PermissionReply.valueOf(decided.action().name());
        if (reply == PermissionReply.REJECT) {
            lastRejection = new Rejection(json, described + ", rejected by rule '" + decided.rule() + "'");
        }
        send(request.id(), () -> client.replyPermission(request.id(), reply, decided.message()));
        LOG.info("Session {}: permission '{}' {} answered '{}' by rule '{}'", sessionId, request.permission(), request.patterns(),
                reply.wireValue(), decided.rule());
    }

    /** Decides a question request (from {@code question.asked} or {@code GET /question}). */
    void onQuestion(String sessionId, QuestionRequest request) {
        if (!handled.add(request.id())) {
            return;
        }
        JsonNode json = OpenCodeJson.mapper().valueToTree(request);
        String described = "the agent asked " + questionsOf(request);
        Optional<QuestionDecision> decision = policy().questions().decide(request);
        if (decision.isEmpty() || decision.get() instanceof QuestionDecision.Escalate) {
            String rule = decision.map(escalate -> ((QuestionDecision.Escalate) escalate).rule()).orElse(null);
            escalate(FailureKind.PENDING_QUESTION, PendingInteraction.QUESTION, sessionId, request.id(), json, described, rule);
        } else if (decision.get() instanceof QuestionDecision.Answer answer) {
            send(request.id(), () -> client.replyQuestion(request.id(), answer.answers()));
            LOG.info("Session {}: {} answered {} by rule '{}'", sessionId, described, answer.answers(), answer.rule());
        } else if (decision.get() instanceof QuestionDecision.Reject reject) {
            lastRejection = new Rejection(json, described + ", rejected by rule '" + reject.rule() + "'");
            send(request.id(), () -> client.rejectQuestion(request.id()));
            LOG.info("Session {}: {} rejected by rule '{}'", sessionId, described, reject.rule());
        }
    }

    /**
     * A request was answered ({@code permission.replied}, {@code question.replied}, {@code question.rejected}).
     *
     * @param requestId the request
     * @param rejected whether the answer was a rejection
     */
    void onAnswered(String requestId, boolean rejected) {
        Escalated waiting = stopWaiting(requestId);
        if (waiting != null) {
            if (rejected) {
                lastRejection = new Rejection(waiting.request(), waiting.described() + ", rejected by the approver");
            }
            waiting.expiry().cancel(false);
            long waited = System.nanoTime() - waiting.sinceNanos();
            approvalWaitNanos.addAndGet(waited);
            LOG.info("Request {} was answered after {} ms; the session goes on", requestId, TimeUnit.NANOSECONDS.toMillis(waited));
        }
    }

    /** @return the latest rejection this attempt made or saw, or {@code null} */
    Rejection lastRejection() {
        return lastRejection;
    }

    /**
     * Rejects a request this attempt gives up on ({@code POST /permission/{id}/reply reject},
     * {@code POST /question/{id}/reject}): aborting the session does not remove it from
     * {@code GET /permission} / {@code GET /question} (OpenCode 1.18.33), so a late approval would
     * otherwise still find it.
     *
     * @param request the request as JSON (with its {@code id}), may be {@code null}
     */
    void withdraw(JsonNode request) {
        String requestId = request == null ? "" : request.path("id").asText("");
        try {
            if (requestId.startsWith("per_")) {
                client.replyPermission(requestId, PermissionReply.REJECT, null);
            } else if (requestId.startsWith("que_")) {
                client.rejectQuestion(requestId);
            }
        } catch (OpenCodeClientException failure) {
            LOG.debug("Withdrawing {} failed: {}", requestId, failure.getMessage());
        }
    }

    /** @return whether an escalated request waits for its approval (the run's phase is {@link Phase#AWAITING_APPROVAL}) */
    @Override
    public boolean awaiting() {
        return phase.current() == Phase.AWAITING_APPROVAL;
    }

    /** @return the time answered escalations waited, which does not count against the task's timeout */
    @Override
    public Duration waited() {
        return Duration.ofNanos(approvalWaitNanos.get());
    }

    /** Stops waiting for approvals (the attempt ended). */
    void close() {
        synchronized (lock) {
            if (escalated.isEmpty()) {
                return;
            }
            escalated.values().forEach(waiting -> waiting.expiry().cancel(false));
            escalated.clear();
            phase.advance(Phase.Trigger.APPROVAL_WAIT_ENDED);
        }
    }

    /** @return the escalation of the request, no longer waiting, or {@code null} when it was not waiting */
    private Escalated stopWaiting(String requestId) {
        synchronized (lock) {
            Escalated waiting = escalated.remove(requestId);
            if (waiting != null && escalated.isEmpty()) {
                phase.advance(Phase.Trigger.APPROVAL_WAIT_ENDED);
            }
            return waiting;
        }
    }

    private InteractionPolicy policy() {
        return dispatchRequest.interaction();
    }

    private void escalate(FailureKind kind, String type, String sessionId, String requestId, JsonNode json, String described,
            String rule) {
        Escalation escalation = policy().escalation();
        if (escalation == null) {
            outcome.interrupt(kind, described + (rule == null ? ", no policy rule answers it" : ", rule '" + rule + "' escalates it")
                    + " and no approval endpoint is configured", json);
            return;
        }
        Duration timeToLive = policy().approvalTimeToLive();
        Instant expiresAt = Instant.now().plus(timeToLive);
        long since = System.nanoTime();
        try {
            ScheduledFuture<?> expiry = scheduler.schedule(() -> expire(kind, requestId, json, described, timeToLive),
                    timeToLive.toMillis(), TimeUnit.MILLISECONDS);
            synchronized (lock) {
                escalated.put(requestId, new Escalated(since, expiry, json, described));
                phase.advance(Phase.Trigger.APPROVAL_WAIT_STARTED);
            }
            escalation.publish(new PendingInteraction(type, requestId, sessionId, dispatchRequest.sessionTitle(), json, expiresAt, rule));
            LOG.info("Session {}: {}; escalated for approval until {}", sessionId, described, expiresAt);
        } catch (RejectedExecutionException closed) {
            outcome.interrupt(kind, described + " and the dispatcher was closed", json);
        } catch (RuntimeException failure) {
            close();
            outcome.interrupt(kind, described + "; publishing it to the approval endpoint failed: " + failure.getMessage(), json);
        }
    }

    private void expire(FailureKind kind, String requestId, JsonNode json, String described, Duration timeToLive) {
        if (stopWaiting(requestId) != null) {
            outcome.interrupt(kind, described + " and no approval came within " + timeToLive, json);
        }
    }

    /** Sends a reply; a request the server no longer knows is done, anything else is tried again on the next look. */
    private void send(String requestId, Runnable reply) {
        try {
            reply.run();
        } catch (OpenCodeApiException refused) {
            if (refused.statusCode() != 404) {
                handled.remove(requestId);
                LOG.warn("Replying to {} failed ({}); trying again", requestId, refused.getMessage());
                evaluateLater.run();
            }
        } catch (OpenCodeClientException unreachable) {
            handled.remove(requestId);
            LOG.warn("Replying to {} failed ({}); trying again", requestId, unreachable.getMessage());
            evaluateLater.run();
        }
    }

    private static String questionsOf(QuestionRequest request) {
        if (request.questions() == null || request.questions().isEmpty()) {
            return "a question";
        }
        StringBuilder text = new StringBuilder();
        request.questions().forEach(question -> text.append(text.length() == 0 ? "" : "; ").append('"')
                .append(question.question()).append('"'));
        return text.toString();
    }
}
