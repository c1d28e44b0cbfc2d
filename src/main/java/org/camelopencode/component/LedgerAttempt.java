package org.camelopencode.component;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.camelopencode.agent.TokenUsage;
import org.camelopencode.dispatch.DispatchRequest;
import org.camelopencode.dispatch.DispatchResult;
import org.camelopencode.failure.FailureKind;
import org.camelopencode.ledger.DispatchLedger;
import org.camelopencode.ledger.LedgerEntry;
import org.camelopencode.ledger.LedgerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code opencode:dispatch} attempt of a task with a key, as the ledger sees it: answered from its recorded result,
 * re-attached to the session a dead runner left running, or begun and recorded from its session to its outcome.
 */
final class LedgerAttempt {

    private static final Logger LOG = LoggerFactory.getLogger(LedgerAttempt.class);

    private final DispatchLedger ledger;
    private final String taskKey;
    private final String taskName;
    private volatile long entryId = -1;

    private LedgerAttempt(DispatchLedger ledger, String taskKey, String taskName) {
        this.ledger = ledger;
        this.taskKey = taskKey;
        this.taskName = taskName;
    }

    /**
     * @param ledger the component's ledger, or {@code null}
     * @param taskKey the {@code CamelOpenCodeTaskKey} header, or {@code null}
     * @param taskName the task's name, or {@code null}
     * @param stage the stage of a multi-stage run, or {@code null}: each stage of one task is its own ledger key
     * @return the attempt, or {@code null} when there is no ledger or no key (then nothing is recorded)
     */
    static LedgerAttempt forTask(DispatchLedger ledger, String taskKey, String taskName, String stage) {
        if (ledger == null || taskKey == null || taskKey.isBlank()) {
            return null;
        }
        String key = stage == null || stage.isBlank() ? taskKey.strip() : taskKey.strip() + "#stage:" + stage.strip();
        return new LedgerAttempt(ledger, key, taskName);
    }

    /** @return the result recorded when this task already completed (a redelivery: no new session is started) */
    Optional<DispatchResult> recordedResult() {
        Optional<LedgerEntry> completed = ledger.findCompleted(taskKey);
        completed.ifPresent(entry -> LOG.info("Task {} (key {}) already completed in session {} (ledger entry #{}):"
                + " answering its recorded result, no new session", label(), taskKey, entry.sessionId(), entry.id()));
        return completed.map(LedgerEntry::result);
    }

    /**
     * Re-attaches to the session a dead runner recorded for this task, else begins a new entry and starts a fresh
     * attempt whose session is recorded as soon as it exists.
     *
     * @param component the component (re-attach, session watch)
     * @param configuration the endpoint's options
     * @param request the attempt
     * @param recordsSession whether the attempt runs on a server (the CLI transport has no session to re-attach to)
     * @param fresh starts a fresh attempt
     * @return the attempt's outcome
     */
    CompletableFuture<DispatchResult> start(OpenCodeComponent component, OpenCodeConfiguration configuration,
            DispatchRequest request, boolean recordsSession, Supplier<CompletableFuture<DispatchResult>> fresh) {
        Optional<LedgerEntry> running = ledger.findRunning(taskKey);
        if (running.isPresent() && running.get().sessionId() != null && recordsSession) {
            LedgerEntry entry = running.get();
            entryId = entry.id();
            LOG.info("Task {} (key {}) was running in session {} on {} when its runner stopped: re-attaching (ledger entry #{})",
                    label(), taskKey, entry.sessionId(), entry.server(), entry.id());
            return component.attach(configuration, request.withAttempt(entry.attempt()), entry.server(), entry.sessionId());
        }
        running.ifPresent(entry -> failQuietly(entry.id(), FailureKind.PROVIDER_UNAVAILABLE,
                "lost: its runner stopped before the session was recorded", null, 0));
        long id = ledger.begin(taskKey, taskName, request.runId(), request.stage(), request.attempt(), request.model());
        entryId = id;
        if (recordsSession) {
            component.watchSession(request, (server, sessionId) -> ledger.attachSession(id, server, sessionId));
        }
        CompletableFuture<DispatchResult> outcome;
        try {
            outcome = fresh.get();
        } catch (RuntimeException notStarted) {
            component.unwatchSession(request);
            failQuietly(id, FailureKind.AGENT_ERROR, "not started: " + notStarted.getMessage(), null, 0);
            throw notStarted;
        }
        outcome.whenComplete((result, failure) -> component.unwatchSession(request));
        return outcome;
    }

    /** @param result the attempt's result, recorded with its tokens and cost (a ledger error is logged, not thrown) */
    void completed(DispatchResult result) {
        try {
            ledger.complete(entryId, result);
        } catch (LedgerException failure) {
            LOG.warn("Task {}: its result could not be recorded in the ledger: {}", label(), failure.getMessage());
        }
    }

    /**
     * @param kind the failure kind
     * @param message the failure's message
     * @param tokens tokens used, or {@code null}
     * @param cost cost used
     */
    void failed(FailureKind kind, String message, TokenUsage tokens, double cost) {
        failQuietly(entryId, kind, message, tokens, cost);
    }

    private void failQuietly(long id, FailureKind kind, String message, TokenUsage tokens, double cost) {
        if (id < 0) {
            return;
        }
        try {
            ledger.fail(id, kind, message, tokens, cost);
        } catch (LedgerException failure) {
            LOG.warn("Task {}: its failure could not be recorded in the ledger: {}", label(), failure.getMessage());
        }
    }

    private String label() {
        return taskName == null ? taskKey : taskName;
    }
}
