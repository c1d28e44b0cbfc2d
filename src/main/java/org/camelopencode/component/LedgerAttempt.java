package org.camelopencode.component;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.camelopencode.agent.TokenUsage;
import org.camelopencode.dispatch.AttemptListener;
import org.camelopencode.dispatch.DispatchRequest;
import org.camelopencode.dispatch.DispatchResult;
import org.camelopencode.failure.FailureKind;
import org.camelopencode.failure.OpenCodeFailureException;
import org.camelopencode.ledger.Claim;
import org.camelopencode.ledger.ClaimState;
import org.camelopencode.ledger.ClusterNode;
import org.camelopencode.ledger.DispatchLedger;
import org.camelopencode.ledger.LedgerEntry;
import org.camelopencode.ledger.LedgerException;
import org.camelopencode.ledger.TaskClaimedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code opencode:dispatch} attempt of a task with a key, as the ledger sees it: answered from its recorded result,
 * re-attached to the session a dead runner left running, or begun and recorded from its session to its outcome. As an
 * {@link AttemptListener} it records the session when the dispatcher created it and the outcome when the attempt ended.
 *
 * <p>Before anything runs, this node claims the key ({@link org.camelopencode.ledger.TaskClaims#claim}): a key another
 * runner holds with a live lease is waited for up to {@link ClusterNode#claimWait()} (then it is answered from the
 * result that runner recorded, or taken over when its lease expired), without holding the caller's thread
 * ({@link ClaimWait}), and past that wait the attempt fails with {@link TaskClaimedException} without dispatching. A taken-over key re-attaches the session its dead owner recorded.
 * The claim is released by {@link #release()} when the exchange is done (the record written), not between retries.
 */
final class LedgerAttempt implements AttemptListener {

    private static final Logger LOG = LoggerFactory.getLogger(LedgerAttempt.class);

    private final DispatchLedger ledger;
    private final ClusterNode node;
    private final String baseKey;
    private final String taskKey;
    private final String taskName;
    private volatile long entryId = -1;
    private volatile boolean recordsSession;
    private volatile boolean answeredFromRecord;

    private LedgerAttempt(DispatchLedger ledger, ClusterNode node, String baseKey, String taskKey, String taskName) {
        this.ledger = ledger;
        this.node = node;
        this.baseKey = baseKey;
        this.taskKey = taskKey;
        this.taskName = taskName;
    }

    /**
     * @param ledger the component's ledger, or {@code null}
     * @param node this runner in the cluster (its claims' owner and lease)
     * @param taskKey the {@code CamelOpenCodeTaskKey} header, or {@code null}
     * @param taskName the task's name, or {@code null}
     * @param stage the stage of a multi-stage run, or {@code null}: each stage of one task is its own ledger key
     * @return the attempt, or {@code null} when there is no ledger or no key (then nothing is recorded)
     */
    static LedgerAttempt forTask(DispatchLedger ledger, ClusterNode node, String taskKey, String taskName, String stage) {
        if (ledger == null || taskKey == null || taskKey.isBlank()) {
            return null;
        }
        String key = stage == null || stage.isBlank() ? taskKey.strip() : taskKey.strip() + "#stage:" + stage.strip();
        return new LedgerAttempt(ledger, node, taskKey.strip(), key, taskName);
    }

    /** @return the result recorded when this task already completed (a redelivery: no new session is started) */
    Optional<DispatchResult> recordedResult() {
        Optional<LedgerEntry> completed = ledger.findCompleted(taskKey);
        answeredFromRecord = completed.isPresent();
        completed.ifPresent(entry -> LOG.info("Task {} (key {}) already completed in session {} (ledger entry #{}):"
                + " answering its recorded result, no new session", label(), taskKey, entry.sessionId(), entry.id()));
        return completed.map(LedgerEntry::result);
    }

    /**
     * Claims the key, then re-attaches to the session a dead runner recorded for this task, else begins a new entry and
     * starts a fresh attempt whose session is recorded as soon as it exists ({@link #sessionCreated}). A key a live
     * runner holds is waited for without holding the caller's thread: the claim is tried again on a timer every
     * {@code min(lease/3, 1 s)} until {@link ClusterNode#claimWait()} has passed, and the attempt goes on (on the
     * timer's thread) once this node holds the key.
     *
     * @param servers the endpoint's servers (re-attach)
     * @param request the attempt
     * @param workspace the attempt's workspace: its worktree is recorded with a fresh entry, and a re-attach goes on in
     *     the worktree the dead runner recorded ({@link AttemptWorkspace#resume}), or starts again when that is gone
     * @param recordsSession whether the attempt runs on a server (the CLI transport has no session to re-attach to)
     * @param fresh starts a fresh attempt
     * @param takenOver told when this node took the key over from a runner whose lease expired
     * @return the attempt's outcome; failed with {@link TaskClaimedException} when another runner still holds the key
     *     after the wait (nothing started)
     * @throws org.camelopencode.ledger.LedgerException when the first claim or the entry cannot be written
     */
    CompletableFuture<DispatchResult> start(OpenCodeServers servers, DispatchRequest request, AttemptWorkspace workspace,
            boolean recordsSession, Supplier<CompletableFuture<DispatchResult>> fresh, Runnable takenOver) {
        Attempt attempt = new Attempt(servers, request, workspace, recordsSession, fresh, takenOver);
        Claim claim = ledger.claims().claim(taskKey, node, taskName, null, null);
        if (claim.state().mayRun()) {
            return claimed(claim, false, attempt);
        }
        LOG.info("Task {} (key {}) is running on node {} (lease until {}): waiting up to {} for it to finish or its lease"
                + " to expire", label(), taskKey, claim.owner(), claim.leaseUntil(), node.claimWait());
        CompletableFuture<Claim> mine = new CompletableFuture<>();
        ClaimWait.retry(() -> ledger.claims().claim(taskKey, node, taskName, null, null), claim, node.claimWait(),
                Duration.ofNanos(Math.min(node.renewEvery().toNanos(), 1_000_000_000L)), mine,
                held -> new TaskClaimedException(taskKey, held.owner(), held.leaseUntil()));
        return mine.thenCompose(held -> claimed(held, true, attempt));
    }

    /** What {@link #start} was given, for the steps after the claim. */
    private record Attempt(OpenCodeServers servers, DispatchRequest request, AttemptWorkspace workspace, boolean recordsSession,
            Supplier<CompletableFuture<DispatchResult>> fresh, Runnable takenOver) {
    }

    /** Goes on once this node holds the key; {@code waited}: another runner held it first (and may have completed it). */
    private CompletableFuture<DispatchResult> claimed(Claim claim, boolean waited, Attempt attempt) {
        if (claim.state() == ClaimState.TAKEN_OVER) {
            LOG.info("Task {} (key {}): took it over from node {}, whose lease expired", label(), taskKey, claim.owner());
            attempt.takenOver().run();
        }
        if (waited) {
            Optional<LedgerEntry> completed = ledger.findCompleted(taskKey);
            if (completed.isPresent()) {
                answeredFromRecord = true;
                LOG.info("Task {} (key {}) was completed by the runner that held it, in session {}: answering its recorded result",
                        label(), taskKey, completed.get().sessionId());
                return CompletableFuture.completedFuture(completed.get().result());
            }
        }
        DispatchRequest request = attempt.request();
        Optional<LedgerEntry> running = ledger.findRunning(taskKey);
        if (running.isPresent() && running.get().sessionId() != null && attempt.recordsSession()) {
            LedgerEntry entry = running.get();
            Optional<DispatchRequest> resumed = attempt.workspace().resume(entry.worktree(), request);
            if (resumed.isPresent()) {
                entryId = entry.id();
                LOG.info("Task {} (key {}) was running in session {} on {} when its runner stopped: re-attaching (ledger entry #{}{})",
                        label(), taskKey, entry.sessionId(), entry.server(), entry.id(),
                        entry.worktree() == null ? "" : ", in its worktree " + entry.worktree().directory());
                DispatchRequest again = resumed.get().withAttempt(entry.attempt());
                return attempt.servers().attach(again.withTurn(again.turn().judgingAfter(entry.judgedAfter())), entry.server(),
                        entry.sessionId());
            }
            failQuietly(entry.id(), FailureKind.PROVIDER_UNAVAILABLE, "lost: its runner stopped and its worktree "
                    + entry.worktree().directory() + " is gone, with the agent's uncommitted edits; the task starts again", null, 0);
            abortQuietly(attempt.servers(), entry.sessionId());
        } else {
            running.ifPresent(entry -> failQuietly(entry.id(), FailureKind.PROVIDER_UNAVAILABLE,
                    "lost: its runner stopped before the session was recorded", null, 0));
        }
        entryId = ledger.begin(taskKey, taskName, request.runId(), request.stage(), request.attempt(), request.model(),
                attempt.workspace().recorded());
        this.recordsSession = attempt.recordsSession();
        return attempt.fresh().get();
    }

    /**
     * Best effort: aborts the lost session's turn ({@code POST /session/{id}/abort}), which may still run on its server
     * with nobody to read its result; a failure is logged.
     */
    private void abortQuietly(OpenCodeServers servers, String sessionId) {
        try {
            servers.clientFor(sessionId).abort(sessionId);
            LOG.info("Task {}: aborted its lost session {}", label(), sessionId);
        } catch (RuntimeException notAborted) {
            LOG.info("Task {}: its lost session {} could not be aborted (it ends by itself): {}", label(), sessionId, notAborted.getMessage());
        }
    }

    /** @return whether this attempt was answered from the result the runner that held the key recorded (no session ran) */
    boolean answeredFromRecord() {
        return answeredFromRecord;
    }

    /** Releases this node's claim of the task and its stages (the exchange is done); a ledger error is logged. */
    void release() {
        try {
            ledger.claims().release(baseKey, node.nodeId());
        } catch (LedgerException failure) {
            LOG.warn("Task {}: its claim could not be released (its lease expires instead): {}", label(), failure.getMessage());
        }
    }

    /** Records the new session of a fresh attempt on a server (a ledger error is logged, not thrown). */
    @Override
    public void sessionCreated(String server, String sessionId) {
        sessionCreated(server, sessionId, null);
    }

    /**
     * Records the session of a fresh attempt on a server, with the newest message a continued session held before the
     * attempt's prompt, so a re-attach judges only what came after it (a ledger error is logged, not thrown).
     */
    @Override
    public void sessionCreated(String server, String sessionId, String judgedAfter) {
        if (!recordsSession || entryId < 0) {
            return;
        }
        try {
            ledger.attachSession(entryId, server, sessionId, judgedAfter);
        } catch (LedgerException failure) {
            LOG.warn("Task {}: its session {} could not be recorded in the ledger: {}", label(), sessionId, failure.getMessage());
        }
    }

    /** @param result the attempt's result, recorded with its tokens and cost (a ledger error is logged, not thrown) */
    @Override
    public void completed(DispatchResult result) {
        if (answeredFromRecord) {
            return;
        }
        try {
            ledger.complete(entryId, result);
        } catch (LedgerException failure) {
            LOG.warn("Task {}: its result could not be recorded in the ledger: {}", label(), failure.getMessage());
        }
    }

    /** @param failure the attempt's failure, recorded with its kind, reason, tokens and cost (a ledger error is logged) */
    @Override
    public void failed(OpenCodeFailureException failure) {
        if (answeredFromRecord) {
            return;
        }
        failQuietly(entryId, failure.getKind(), failure.getReason(), failure.getTokens(), failure.getCost());
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
