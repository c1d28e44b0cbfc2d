package org.camelopencode.component;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Exchange;
import org.camelopencode.dispatch.AttemptListener;
import org.camelopencode.dispatch.DispatchResult;
import org.camelopencode.failure.OpenCodeFailureException;
import org.camelopencode.task.AttemptRecord;
import org.camelopencode.task.TokenCounts;

/**
 * The attempt history of an exchange: every {@code opencode:dispatch} attempt, completed or failed, appended in order
 * to the exchange property {@value #PROPERTY} (a {@code List<AttemptRecord>}). It is a property, not a header,
 * because Camel restores the message before each redelivery and a dead letter with {@code useOriginalMessage} drops
 * the headers; properties survive both.
 *
 * <p>A re-driven task starts with the attempts of its earlier runs ({@link #start(Exchange, List)}); the property
 * {@value #EARLIER_PROPERTY} says how many of them there are, so retry limits count only the current run.
 */
public final class AttemptHistory {

    /** Exchange property: the {@code List<AttemptRecord>} of every attempt so far, oldest first. */
    public static final String PROPERTY = "CamelOpenCodeAttempts";
    /** Exchange property: how many attempts of {@value #PROPERTY} belong to earlier runs (re-drives), an Integer. */
    public static final String EARLIER_PROPERTY = "CamelOpenCodeEarlierAttempts";

    private AttemptHistory() {
    }

    /**
     * Seeds the history of a re-driven task with the attempts of its earlier runs.
     *
     * @param exchange the exchange
     * @param earlier attempts of earlier runs, oldest first; may be empty
     */
    public static void start(Exchange exchange, List<AttemptRecord> earlier) {
        exchange.setProperty(PROPERTY, new ArrayList<>(earlier));
        exchange.setProperty(EARLIER_PROPERTY, earlier.size());
    }

    /**
     * @param exchange the exchange
     * @return a copy of every attempt so far, oldest first; empty when none ran
     */
    public static List<AttemptRecord> of(Exchange exchange) {
        List<?> list = exchange.getProperty(PROPERTY, List.class);
        List<AttemptRecord> attempts = new ArrayList<>();
        if (list != null) {
            for (Object element : list) {
                if (element instanceof AttemptRecord attempt) {
                    attempts.add(attempt);
                }
            }
        }
        return attempts;
    }

    /**
     * @param exchange the exchange
     * @return the attempts of the current run (after those of earlier runs), oldest first
     */
    public static List<AttemptRecord> currentRun(Exchange exchange) {
        List<AttemptRecord> attempts = of(exchange);
        int earlier = Math.min(exchange.getProperty(EARLIER_PROPERTY, 0, Integer.class), attempts.size());
        return attempts.subList(earlier, attempts.size());
    }

    /**
     * The exchange's history as an attempt listener: the attempt is appended when it ends.
     *
     * @param exchange the exchange
     * @param model the model the request named, used when a failure names none
     * @param startedAt when the attempt was dispatched
     * @return a listener appending the attempt on {@code completed} or {@code failed}
     */
    static AttemptListener recorder(Exchange exchange, String model, Instant startedAt) {
        return recorder(exchange, model, startedAt, null);
    }

    /**
     * The exchange's history as an attempt listener, for an attempt that may continue a session.
     *
     * @param exchange the exchange
     * @param model the model the request named, used when a failure names none
     * @param startedAt when the attempt was dispatched
     * @param continued the session the attempt continues (its {@code continued} entry), or {@code null} for a fresh one
     * @return a listener appending the attempt on {@code completed} or {@code failed}
     */
    static AttemptListener recorder(Exchange exchange, String model, Instant startedAt, String continued) {
        return new AttemptListener() {
            @Override
            public void completed(DispatchResult result) {
                AttemptHistory.completed(exchange, result, startedAt, continued);
            }

            @Override
            public void failed(OpenCodeFailureException failure) {
                AttemptHistory.failed(exchange, failure, model, startedAt, continued);
            }
        };
    }

    /**
     * Appends a completed attempt.
     *
     * @param exchange the exchange
     * @param result what the attempt returned
     * @param startedAt when it was dispatched
     * @return the appended record
     */
    static AttemptRecord completed(Exchange exchange, DispatchResult result, Instant startedAt) {
        return completed(exchange, result, startedAt, null);
    }

    private static AttemptRecord completed(Exchange exchange, DispatchResult result, Instant startedAt, String continued) {
        return append(exchange, new AttemptRecord(1, result.sessionId(), result.model(), AttemptRecord.COMPLETED, null,
                TokenCounts.of(result.tokens()), result.cost(), result.duration().toMillis(), startedAt.toString(), continued, null, null));
    }

    /**
     * Appends a failed attempt.
     *
     * @param exchange the exchange
     * @param failure why it failed, with the model, tokens, cost and duration the dispatcher attached
     * @param model the model the request named, used when the failure does not name one
     * @param startedAt when it was dispatched
     * @return the appended record
     */
    static AttemptRecord failed(Exchange exchange, OpenCodeFailureException failure, String model, Instant startedAt) {
        return failed(exchange, failure, model, startedAt, null);
    }

    private static AttemptRecord failed(Exchange exchange, OpenCodeFailureException failure, String model, Instant startedAt,
            String continued) {
        String attemptModel = failure.getModel() != null ? failure.getModel() : model;
        return append(exchange, new AttemptRecord(1, failure.getSessionId(), attemptModel, failure.getKindName(),
                failure.getReason(), TokenCounts.of(failure.getTokens()), failure.getCost(), failure.getDuration().toMillis(),
                startedAt.toString(), continued, null, null));
    }

    private static AttemptRecord append(Exchange exchange, AttemptRecord attempt) {
        List<AttemptRecord> attempts = of(exchange);
        AttemptRecord numbered = attempt.withAttempt(attempts.size() + 1);
        attempts.add(numbered);
        exchange.setProperty(PROPERTY, attempts);
        return numbered;
    }
}
