package org.camelopencode.component;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.camelopencode.cli.SkillFolders;
import org.camelopencode.dispatch.AttemptListener;
import org.camelopencode.dispatch.DispatchRequest;
import org.camelopencode.dispatch.DispatchResult;
import org.camelopencode.failure.FailureKind;
import org.camelopencode.failure.OpenCodeFailureException;
import org.camelopencode.ledger.DispatchLedger;
import org.camelopencode.ledger.TaskClaimedException;
import org.camelopencode.observe.DispatchMetrics;
import org.camelopencode.observe.DispatchTracing;

/**
 * The producer's {@code opencode:dispatch}: one attempt per exchange, asynchronous (no Camel thread waits while the
 * agent works). Where the attempt starts, its observers are composed into one {@link AttemptListener}: the exchange's
 * {@link AttemptHistory}, the metrics and the trace (each only when configured) and the ledger (only for a task with a
 * key and a configured ledger). The listener goes with the dispatch (the dispatcher tells it the new session) and is
 * told {@code completed} or {@code failed} exactly once, here, where the attempt's future ends; an exception that is no
 * {@link OpenCodeFailureException} reaches it as {@code agent_error}, while the exchange gets the original exception,
 * except a {@link TaskClaimedException} (another runner holds the key): that is told as {@code handedBack}, no failure.
 *
 * <p>The attempt runs in its {@link AttemptWorkspace} (a fresh git worktree, a turn in a shared directory, or the
 * request's directory as is): prepared before it starts, ended (changes captured, committed or removed) before the
 * listeners are told, so a commit that fails fails the attempt, and its changes go into its attempt entry after.
 */
final class DispatchOperation {

    /** Exchange property: the claim's release is registered on this exchange. */
    private static final String CLAIM_RELEASE = "CamelOpenCodeClaimRelease";

    private final OpenCodeEndpoint endpoint;
    private final CliTransport cli;
    private final EndpointEscalation escalation;

    /**
     * @param endpoint the producer's endpoint
     * @param cli the producer's CLI transport
     * @param escalation where escalated requests go, or {@code null} when no approval endpoint is configured
     */
    DispatchOperation(OpenCodeEndpoint endpoint, CliTransport cli, EndpointEscalation escalation) {
        this.endpoint = endpoint;
        this.cli = cli;
        this.escalation = escalation;
    }

    /**
     * @param exchange the exchange; its body is the task
     * @param callback told when the attempt ended
     * @return {@code true} when answered at once (the ledger's recorded result), else {@code false}
     * @throws OpenCodeFailureException {@code invalid_task} when the task or a header is malformed (nothing started)
     */
    boolean process(Exchange exchange, AsyncCallback callback) {
        OpenCodeConfiguration configuration = endpoint.getConfiguration();
        Supplier<Path> projectDirectory = () -> endpoint.servers().projectDirectory().orElseGet(() -> Path.of("").toAbsolutePath());
        DispatchRequest request = DispatchRequests.withTurn(DispatchRequests.inTaskDirectory(
                DispatchRequests.from(exchange, configuration, endpoint.getInteractionConfiguration(), endpoint.getBudgetConfiguration(),
                        escalation), exchange, configuration, projectDirectory), exchange, projectDirectory);
        Message message = exchange.getMessage();
        message.setHeader(OpenCodeConstants.ATTEMPT, request.attempt());
        // Also as a property: dead letter channels with useOriginalMessage drop the headers.
        exchange.setProperty(OpenCodeConstants.ATTEMPT, request.attempt());
        if (request.title() != null) {
            message.setHeader(OpenCodeConstants.TASK_NAME, message.getHeader(OpenCodeConstants.TASK_NAME, request.title(), String.class));
        }
        String taskName = message.getHeader(OpenCodeConstants.TASK_NAME, String.class);
        AttemptListener history = AttemptHistory.recorder(exchange, request.model(), Instant.now(), request.turn().sessionId());
        DispatchLedger ledger = endpoint.getComponent().getLedger();
        LedgerAttempt recorded = ledger == null ? null
                : LedgerAttempt.forTask(ledger, endpoint.getComponent().getClusterNode(),
                        message.getHeader(OpenCodeConstants.TASK_KEY, String.class), taskName, request.stage());
        if (recorded != null) {
            releaseClaimWhenDone(exchange, recorded);
        }
        Optional<DispatchResult> answered = recorded == null ? Optional.empty() : recorded.recordedResult();
        if (answered.isPresent()) {
            history.completed(answered.get());
            OpenCodeProducer.setResult(message, answered.get());
            markAnsweredFromLedger(exchange, recorded);
            callback.done(true);
            return true;
        }
        AttemptWorkspace workspace = AttemptWorkspace.open(endpoint.getComponent().workspaces(),
                WorkspaceRequests.of(exchange, endpoint.getWorkspaceConfiguration()), request, endpoint.servers().projectDirectory(), taskName,
                endpoint.getWorkspaceConfiguration());
        boolean throughCli = CliTransport.selected(exchange, configuration);
        SkillFolders skills = cli.linkSkills(exchange, throughCli);
        AttemptListener listener = AttemptListener.all(observers(exchange, request, taskName, history, recorded));
        workspace.run(request, inWorkspace -> start(exchange, inWorkspace, workspace, throughCli, recorded, listener)).whenComplete((result, failure) -> {
            skills.close();
            try {
                Throwable reported = workspace.finish(exchange, result, failure);
                end(exchange, listener, reported == null ? result : null, reported);
                markAnsweredFromLedger(exchange, recorded);
                workspace.annotate(exchange);
            } finally {
                callback.done(false);
            }
        });
        return false;
    }

    /** Sets {@code CamelOpenCodeAnsweredFromLedger} when the ledger's recorded result answered the attempt (no session ran). */
    private static void markAnsweredFromLedger(Exchange exchange, LedgerAttempt recorded) {
        if (recorded != null && recorded.answeredFromRecord()) {
            exchange.getMessage().setHeader(OpenCodeConstants.ANSWERED_FROM_LEDGER, true);
        }
    }

    /**
     * The task's claim is this node's from its first attempt until the exchange is done (its record written, or the
     * task handed back): registered once per exchange, so retries of the playbook keep it.
     */
    private static void releaseClaimWhenDone(Exchange exchange, LedgerAttempt recorded) {
        if (exchange.getProperty(CLAIM_RELEASE, false, Boolean.class)) {
            return;
        }
        exchange.setProperty(CLAIM_RELEASE, true);
        exchange.getExchangeExtension().addOnCompletion(new org.apache.camel.support.SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                recorded.release();
            }
        });
    }

    /** The attempt's observers, in the order they are told: history, metrics, trace, ledger. */
    private List<AttemptListener> observers(Exchange exchange, DispatchRequest request, String taskName, AttemptListener history,
            LedgerAttempt recorded) {
        List<AttemptListener> observers = new ArrayList<>();
        observers.add(history);
        DispatchMetrics metrics = endpoint.getComponent().dispatchMetrics();
        if (metrics != null) {
            observers.add(metrics.startAttempt(request.model()));
        }
        DispatchTracing tracing = endpoint.getComponent().getTracing();
        if (tracing != null) {
            observers.add(tracing.startAttempt(exchange, request.attempt(), taskName, request.model()));
        }
        if (recorded != null) {
            observers.add(recorded);
        }
        return observers;
    }

    /** Starts the attempt; one that cannot start is a failed future, so it ends in {@link #end} like any other. */
    private CompletableFuture<DispatchResult> start(Exchange exchange, DispatchRequest request, AttemptWorkspace workspace,
            boolean throughCli, LedgerAttempt recorded, AttemptListener listener) {
        Supplier<CompletableFuture<DispatchResult>> fresh = () -> throughCli ? cli.dispatch(exchange, request, listener)
                : endpoint.servers().dispatch(request, listener);
        try {
            return recorded == null ? fresh.get() : recorded.start(endpoint.servers(), request, workspace, !throughCli, fresh,
                    this::countTakeover);
        } catch (RuntimeException notStarted) {
            return CompletableFuture.failedFuture(notStarted);
        }
    }

    private void countTakeover() {
        DispatchMetrics metrics = endpoint.getComponent().dispatchMetrics();
        if (metrics != null) {
            metrics.takeover();
        }
    }

    private static void end(Exchange exchange, AttemptListener listener, DispatchResult result, Throwable failure) {
        if (failure == null) {
            listener.completed(result);
            OpenCodeProducer.setResult(exchange.getMessage(), result);
            return;
        }
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof TaskClaimedException handedBack) {
            // another runner holds the key: nothing ran, the trigger gets the task back; not an agent failure
            listener.handedBack(handedBack.getMessage());
            exchange.setException(handedBack);
            return;
        }
        if (cause instanceof OpenCodeFailureException classified) {
            listener.failed(classified);
            OpenCodeProducer.setFailure(exchange, classified);
        } else {
            listener.failed(new OpenCodeFailureException(FailureKind.AGENT_ERROR, String.valueOf(cause)));
            exchange.setException(cause);
        }
    }
}
