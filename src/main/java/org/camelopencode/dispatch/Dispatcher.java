package org.camelopencode.dispatch;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.camelopencode.client.OpenCodeClient;

/**
 * Runs dispatches against one OpenCode server: a fresh session per attempt, an asynchronous
 * prompt, and the {@link CompletionGate} driven by the server's shared event stream, with a
 * per-attempt deadline that aborts the session.
 *
 * <p>Endpoints used: {@code POST /session}, {@code POST /session/{id}/prompt_async},
 * {@code GET /global/event} (shared), {@code GET /session/status}, {@code GET /session/{id}/message},
 * {@code GET /permission}, {@code GET /question}, {@code POST /session/{id}/abort}.
 *
 * <p>Thread-safe. Waiting holds no thread: thousands of attempts may be in flight.
 */
public final class Dispatcher implements AutoCloseable {

    private final RunContext context;
    private final OpenCodeClient client;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService workers;
    private final Set<DispatchRun> running = ConcurrentHashMap.newKeySet();
    private volatile Consumer<Duration> gateLatencyListener;

    /**
     * @param client the client of the server to dispatch to; its event stream is started here
     * @param options the watch settings
     */
    public Dispatcher(OpenCodeClient client, DispatchOptions options) {
        this(client.endpoint().baseUri().toString(), client, options);
    }

    /**
     * @param serverName the server's name as {@link AttemptListener#sessionCreated} reports it ({@code instance-2}, or its URL)
     * @param client the client of the server to dispatch to; its event stream is started here
     * @param options the watch settings
     */
    public Dispatcher(String serverName, OpenCodeClient client, DispatchOptions options) {
        this.client = client;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(daemonThreads("opencode-dispatch-timer"));
        this.workers = Executors.newFixedThreadPool(options.workerThreads(), daemonThreads("opencode-dispatch"));
        this.context = new RunContext(serverName, client, options, scheduler, workers);
        client.eventStream();
    }

    /**
     * Starts one attempt that nobody observes ({@link AttemptListener#NONE}). Never blocks on the server.
     *
     * @param request the attempt
     * @return completes like {@link #dispatch(DispatchRequest, AttemptListener)}
     */
    public CompletableFuture<DispatchResult> dispatch(DispatchRequest request) {
        return dispatch(request, AttemptListener.NONE);
    }

    /**
     * Starts one attempt observed by {@code listener}: in a fresh session, or, when {@link DispatchRequest#turn()} names
     * a session, in that session (or its fork), judged only on the messages after its prompt. Never blocks on the server.
     *
     * @param request the attempt
     * @param listener told the new session (server name, session id) after {@code POST /session} and before the prompt
     *     ({@link AttemptListener#sessionCreated}, on a dispatch worker thread; its failures are logged, not fatal); its
     *     {@code completed} / {@code failed} are the caller's to call where the attempt ends
     * @return completes with the checked result, or exceptionally with an
     *     {@link org.camelopencode.failure.OpenCodeFailureException} carrying the failure kind
     */
    public CompletableFuture<DispatchResult> dispatch(DispatchRequest request, AttemptListener listener) {
        return run(new DispatchRun(context, request, request.turn().continues() ? RunMode.CONTINUED : RunMode.FRESH, null, listener));
    }

    /**
     * Re-attaches to a session another process started for this request (a runner that died mid-attempt): no session is
     * created; the same gate and deadline (measured from now) watch the existing session, judging only the messages after
     * {@link TurnStart#judgedAfter()} when the request's turn carries one (a continued session). A busy session is waited
     * for; an idle one with a completed final reply is collected; one without any message of this turn (the old runner
     * died before its prompt reached the server) is prompted now, in that session; an idle one whose turn ran without a
     * final reply (it died with the old runner or server) fails as {@code provider_unavailable} with a message starting
     * {@code "lost"}, so the retry policy starts a new session.
     *
     * @param request the attempt as it was dispatched (prompt, expectations, limits, timeout)
     * @param sessionId the session it runs in ({@code ses_...}), on this dispatcher's server
     * @return completes like {@link #dispatch(DispatchRequest, AttemptListener)}; reads {@code GET /session/status},
     *     {@code GET /session/{id}/message} and the shared {@code GET /global/event}
     * @throws IllegalArgumentException when the session id is blank
     */
    public CompletableFuture<DispatchResult> attach(DispatchRequest request, String sessionId) {
        return attach(request, sessionId, AttemptListener.NONE);
    }

    /**
     * Re-attaches like {@link #attach(DispatchRequest, String)}, the attempt observed by {@code listener}.
     *
     * @param request the attempt as it was dispatched
     * @param sessionId the session it runs in ({@code ses_...}), on this dispatcher's server
     * @param listener the attempt's observers: never told {@code sessionCreated} (the session exists already); its
     *     {@code completed} / {@code failed} are the caller's to call where the attempt ends
     * @return completes like {@link #dispatch(DispatchRequest, AttemptListener)}
     * @throws IllegalArgumentException when the session id is blank
     */
    public CompletableFuture<DispatchResult> attach(DispatchRequest request, String sessionId, AttemptListener listener) {
        if (sessionId == null || sessionId.isBlank()) {
            throw new IllegalArgumentException("attach needs the session id");
        }
        return run(new DispatchRun(context, request, RunMode.REATTACHED, sessionId, listener));
    }

    /**
     * @param listener told, for every attempt that completes, how long its completion gate took from the moment the
     *     session was seen idle (event or poll) to the verdict; {@code null} for none. Called on a dispatch worker thread.
     */
    public void setGateLatencyListener(Consumer<Duration> listener) {
        this.gateLatencyListener = listener;
    }

    private CompletableFuture<DispatchResult> run(DispatchRun run) {
        run.onGateLatency(gateLatencyListener);
        running.add(run);
        run.result().whenComplete((result, failure) -> running.remove(run));
        run.start();
        return run.result();
    }

    /** @return the number of attempts not yet decided */
    public int inFlight() {
        return running.size();
    }

    /**
     * @return what each attempt in flight is doing (state, elapsed time, tool calls, tokens and cost
     *     so far, from its session's events), oldest first
     */
    public List<DispatchProgress> progress() {
        return running.stream().map(DispatchRun::progress)
                .sorted(Comparator.comparing(DispatchProgress::elapsed).reversed()).toList();
    }

    /** @return the client this dispatcher uses */
    public OpenCodeClient client() {
        return client;
    }

    /**
     * Stops the timers and workers. Attempts still running are aborted on the server (best
     * effort) and fail as {@code provider_unavailable}: the dispatcher that watched them is gone.
     */
    @Override
    public void close() {
        for (DispatchRun run : running) {
            run.cancel("the dispatcher was closed");
        }
        scheduler.shutdownNow();
        workers.shutdown();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        workers.shutdownNow();
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
