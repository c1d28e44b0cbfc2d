package org.camelopencode.runner;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.camelopencode.component.OpenCodeConstants;
import org.camelopencode.component.OpenCodeEndpoint;
import org.camelopencode.component.OpenCodeOperation;
import org.camelopencode.failure.OpenCodeFailureException;
import org.camelopencode.runner.StatusSnapshot.Bucket;
import org.camelopencode.runner.StatusSnapshot.Finished;
import org.camelopencode.runner.StatusSnapshot.Totals;

/**
 * Remembers the dispatches this runner finished, for the status page: a Camel event notifier that sees every exchange
 * sent to an {@code opencode:dispatch} endpoint (Camel's {@code ExchangeSentEvent}, fired when the attempt is decided),
 * whatever route sent it. Keeps the newest {@value #RECENT_LIMIT} attempts, totals since start, and completions,
 * failures and spend per {@value #BUCKET_SECONDS}-second bucket over the last {@value #BUCKETS} buckets. In memory
 * only: a restarted runner starts empty (the dispatch ledger keeps the durable history).
 */
public final class StatusRecorder extends EventNotifierSupport {

    /** Most finished attempts kept for the page. */
    public static final int RECENT_LIMIT = 100;
    /** Width of one chart bucket, seconds. */
    public static final int BUCKET_SECONDS = 10;
    /** Buckets kept: 10 minutes of 10-second buckets. */
    public static final int BUCKETS = 60;

    private static final Tally EMPTY = new Tally();

    private final Clock clock;
    private final Deque<Finished> recent = new ArrayDeque<>();
    private final TreeMap<Long, Tally> buckets = new TreeMap<>();
    private final Map<String, Long> failuresByKind = new TreeMap<>();
    private long completed;
    private long failed;
    private double cost;

    /** A recorder on the system clock. */
    public StatusRecorder() {
        this(Clock.systemUTC());
    }

    /** @param clock the clock that stamps finished attempts (tests pass a fixed one) */
    public StatusRecorder(Clock clock) {
        this.clock = clock;
        // Sending events stay on: Camel only times a send (and fires the sent event) when a notifier takes them.
        setIgnoreExchangeCreatedEvent(true);
        setIgnoreExchangeCompletedEvent(true);
        setIgnoreExchangeFailedEvents(true);
        setIgnoreExchangeRedeliveryEvents(true);
        setIgnoreCamelContextEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreStepEvents(true);
    }

    /**
     * Takes the sending and sent events of {@code opencode:dispatch}: Camel fires the sent event (with the time taken)
     * only when a notifier took the sending one.
     */
    @Override
    public boolean isEnabled(CamelEvent event) {
        if (event instanceof CamelEvent.ExchangeSendingEvent sending) {
            return sending.getEndpoint() instanceof OpenCodeEndpoint endpoint && isDispatch(sending.getExchange(), endpoint);
        }
        return event instanceof CamelEvent.ExchangeSentEvent sent && sent.getEndpoint() instanceof OpenCodeEndpoint endpoint
                && isDispatch(sent.getExchange(), endpoint);
    }

    @Override
    public void notify(CamelEvent event) {
        if (event instanceof CamelEvent.ExchangeSentEvent sent) {
            record(sent.getExchange(), sent.getTimeTaken());
        }
    }

    private static boolean isDispatch(Exchange exchange, OpenCodeEndpoint endpoint) {
        Object operation = exchange.getMessage().getHeader(OpenCodeConstants.OPERATION);
        return operation == null ? endpoint.getOperation() == OpenCodeOperation.dispatch
                : OpenCodeOperation.dispatch.name().equals(operation.toString());
    }

    /**
     * Records one decided {@code opencode:dispatch} attempt from the exchange the producer left: on success its
     * {@code CamelOpenCodeModel}, {@code CamelOpenCodeTokens*}, {@code CamelOpenCodeCost} and
     * {@code CamelOpenCodeSessionId} headers; on failure the {@link OpenCodeFailureException}'s kind, usage and reason
     * (any other exception counts as {@code error}).
     *
     * @param exchange the exchange after the attempt
     * @param durationMillis how long the attempt took, milliseconds
     */
    public void record(Exchange exchange, long durationMillis) {
        Message message = exchange.getMessage();
        String task = message.getHeader(OpenCodeConstants.TASK_NAME, String.class);
        Instant at = clock.instant();
        Finished finished;
        Exception failure = exchange.getException();
        if (failure == null) {
            long tokens = number(message, OpenCodeConstants.TOKENS_INPUT) + number(message, OpenCodeConstants.TOKENS_OUTPUT)
                    + number(message, OpenCodeConstants.TOKENS_REASONING);
            Double spent = message.getHeader(OpenCodeConstants.COST, Double.class);
            finished = new Finished(at.toString(), task, message.getHeader(OpenCodeConstants.MODEL, String.class), "completed",
                    message.getHeader(OpenCodeConstants.SESSION_ID, String.class), durationMillis, tokens,
                    spent == null ? 0 : spent, "");
        } else if (failure instanceof OpenCodeFailureException classified) {
            long tokens = classified.getTokens() == null ? 0 : classified.getTokens().total();
            finished = new Finished(at.toString(), task, classified.getModel(), classified.getKind().wireName(),
                    classified.getSessionId(), durationMillis, tokens, classified.getCost(), String.valueOf(classified.getReason()));
        } else {
            finished = new Finished(at.toString(), task, null, "error", null, durationMillis, 0, 0,
                    failure.getClass().getSimpleName());
        }
        add(at, finished);
    }

    private static long number(Message message, String header) {
        Long value = message.getHeader(header, Long.class);
        return value == null ? 0 : value;
    }

    private synchronized void add(Instant at, Finished finished) {
        recent.addFirst(finished);
        while (recent.size() > RECENT_LIMIT) {
            recent.removeLast();
        }
        long bucket = at.getEpochSecond() / BUCKET_SECONDS;
        Tally tally = buckets.computeIfAbsent(bucket, ignored -> new Tally());
        if (finished.completed()) {
            completed++;
            tally.completed++;
        } else {
            failed++;
            tally.failed++;
            failuresByKind.merge(finished.outcome(), 1L, Long::sum);
        }
        cost += finished.cost();
        tally.cost += finished.cost();
        buckets.headMap(bucket - BUCKETS, true).clear();
    }

    /** @return the newest finished attempts first, at most {@value #RECENT_LIMIT} */
    public synchronized List<Finished> recent() {
        return List.copyOf(recent);
    }

    /** @return totals since the runner started, with failures counted by kind */
    public synchronized Totals totals() {
        return new Totals(completed, failed, cost, Map.copyOf(failuresByKind));
    }

    /**
     * @return the last {@value #BUCKETS} buckets up to now, oldest first, empty ones included (so the chart's time axis
     *     is even)
     */
    public synchronized List<Bucket> timeline() {
        long now = clock.instant().getEpochSecond() / BUCKET_SECONDS;
        List<Bucket> timeline = new ArrayList<>(BUCKETS);
        for (long bucket = now - BUCKETS + 1; bucket <= now; bucket++) {
            Tally tally = buckets.getOrDefault(bucket, EMPTY);
            timeline.add(new Bucket(Instant.ofEpochSecond(bucket * BUCKET_SECONDS).toString(), tally.completed, tally.failed,
                    tally.cost));
        }
        return timeline;
    }

    /** Completions, failures and spend of one bucket; guarded by the recorder's lock. */
    private static final class Tally {
        private long completed;
        private long failed;
        private double cost;
    }
}
