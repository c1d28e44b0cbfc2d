package org.camelopencode.runner;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.camelopencode.component.AttemptHistory;
import org.camelopencode.component.OpenCodeConstants;
import org.camelopencode.failure.FailureKind;
import org.camelopencode.failure.OpenCodeFailureException;
import org.camelopencode.task.AttemptRecord;
import org.camelopencode.task.TaskSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Java half of the playbook in {@code routes/playbook.yaml}, bound as {@code opencodePlaybook}: the
 * {@code retryWhile} decision of every {@code onException} clause ({@link #shouldRetry(Exchange, int)}) and the
 * {@code onRedelivery} step that moves along the fallback model chain ({@link #process(Exchange)}).
 *
 * <p><b>Stuck</b>: a task (one exchange, so one stage) whose last attempts in the current run all failed with the
 * same kind, more times in a row than that kind's allowance ({@code opencode.retry.<kind>.max} retries, so
 * {@code max + 1} attempts), is stuck and goes to the dead letter. Different kinds in a row each get their own
 * allowance, and {@code opencode.retry.max-attempts} caps the attempts of one run whatever the kinds, so alternating
 * failures cannot loop either. Attempts of earlier runs (before a re-drive) do not count.
 *
 * <p>Reads the exchange's {@link AttemptHistory}, which {@code opencode:dispatch} appends to after every attempt.
 */
public class RetryPlaybook implements Processor {

    /** The kinds whose retries move along the fallback model chain. */
    static final Set<String> FALLBACK_KINDS = Set.of(FailureKind.RATE_LIMITED.wireName(),
            FailureKind.PROVIDER_UNAVAILABLE.wireName());

    private static final Logger LOG = LoggerFactory.getLogger(RetryPlaybook.class);

    private final List<String> fallbackModels;
    private final int maxAttempts;
    private final Duration maxDelay;

    /**
     * @param fallbackModels the chain of {@code provider/model} the retries of rate_limited and provider_unavailable
     *     use, in order (retry n uses the n-th, the last one repeats); empty = keep the task's model
     * @param maxAttempts the most attempts of one run of a task, whatever their kinds, at least 1
     * @param maxDelay the longest wait before a retry, also when the server asks for longer
     * @throws IllegalArgumentException when {@code maxAttempts} is below 1 or a model is not {@code provider/model}
     */
    public RetryPlaybook(List<String> fallbackModels, int maxAttempts, Duration maxDelay) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("opencode.retry.max-attempts must be at least 1, got " + maxAttempts);
        }
        for (String model : fallbackModels) {
            if (!model.matches("[^/\\s]+(/[^/\\s]+)+")) {
                throw new IllegalArgumentException("opencode.fallback-models: '" + model + "' is not provider/model");
            }
        }
        this.fallbackModels = List.copyOf(fallbackModels);
        this.maxAttempts = maxAttempts;
        this.maxDelay = maxDelay;
    }

    /** @return the fallback model chain, in order */
    public List<String> fallbackModels() {
        return fallbackModels;
    }

    /**
     * The {@code retryWhile} of an {@code onException} clause: whether the failed task runs again. When it does and
     * the server said how long to wait (rate limits), sets {@code CamelRedeliveryDelay} to that wait (at most
     * {@code opencode.retry.max-delay}), which Camel uses instead of the clause's delay.
     *
     * @param exchange the failed exchange, after {@code opencode:dispatch} appended the failed attempt
     * @param allowance retries allowed for the failure's kind in a row ({@code opencode.retry.<kind>.max}); 0 = none
     * @return false when the allowance is used up (stuck), the run has made {@code opencode.retry.max-attempts}
     *     attempts, or no attempt was dispatched at all
     */
    public boolean shouldRetry(Exchange exchange, int allowance) {
        List<AttemptRecord> run = AttemptHistory.currentRun(exchange);
        if (run.isEmpty() || run.get(run.size() - 1).isCompleted()) {
            return false;
        }
        String kind = run.get(run.size() - 1).outcome();
        int inARow = failuresInARow(run, kind);
        String task = taskName(exchange);
        if (inARow > allowance) {
            if (allowance > 0) {
                LOG.warn("Task {} is stuck: {} on {} attempts in a row (allowance: {} retries); giving up", task, kind, inARow,
                        allowance);
            }
            return false;
        }
        if (run.size() >= maxAttempts) {
            LOG.warn("Task {} made {} attempts (opencode.retry.max-attempts); giving up after {}", task, run.size(), kind);
            return false;
        }
        Message message = exchange.getIn();
        Optional<Duration> wait = retryAfter(failureOf(exchange));
        if (wait.isPresent()) {
            message.setHeader(Exchange.REDELIVERY_DELAY, Math.min(wait.get().toMillis(), maxDelay.toMillis()));
        } else {
            message.removeHeader(Exchange.REDELIVERY_DELAY);
        }
        return true;
    }

    /**
     * The {@code onRedelivery} step: before a retry of a rate_limited or provider_unavailable failure, the task runs
     * on the next fallback model. The n-th such failure of the current run selects the n-th model of the chain (the
     * last one repeats); a task body ({@link TaskSpec}) is replaced by a copy with that model, because a task's own
     * model wins over the {@code CamelOpenCodeModel} header; other bodies get the header. Logs the retry.
     *
     * @param exchange the exchange about to be redelivered (Camel restored its message first)
     */
    @Override
    public void process(Exchange exchange) {
        List<AttemptRecord> run = AttemptHistory.currentRun(exchange);
        if (run.isEmpty()) {
            return;
        }
        AttemptRecord last = run.get(run.size() - 1);
        String model = fallbackModel(run);
        Message message = exchange.getIn();
        if (model != null) {
            if (message.getBody() instanceof TaskSpec task) {
                message.setBody(task.withModel(model));
            } else {
                message.setHeader(OpenCodeConstants.MODEL, model);
            }
        }
        LOG.info("Task {}: attempt {} failed as {}; retrying in a new session{}", taskName(exchange), last.attempt(),
                last.outcome(), model == null ? "" : " on fallback model " + model);
    }

    /**
     * @param run the attempts of the current run, oldest first
     * @return the fallback model for the next attempt, or {@code null} to keep the task's model
     */
    String fallbackModel(List<AttemptRecord> run) {
        long providerFailures = run.stream().filter(attempt -> FALLBACK_KINDS.contains(attempt.outcome())).count();
        if (providerFailures == 0 || fallbackModels.isEmpty()) {
            return null;
        }
        return fallbackModels.get((int) Math.min(providerFailures, fallbackModels.size()) - 1);
    }

    private static int failuresInARow(List<AttemptRecord> run, String kind) {
        int count = 0;
        for (int index = run.size() - 1; index >= 0 && kind.equals(run.get(index).outcome()); index--) {
            count++;
        }
        return count;
    }

    /**
     * The server's retry timing of a failure, when known.
     *
     * @param failure the failure, or {@code null}
     * @return how long the server asked to wait
     */
    static Optional<Duration> retryAfter(OpenCodeFailureException failure) {
        return failure == null ? Optional.empty() : Optional.ofNullable(failure.getRetryAfter());
    }

    private static OpenCodeFailureException failureOf(Exchange exchange) {
        OpenCodeFailureException failure = exchange.getException(OpenCodeFailureException.class);
        if (failure != null) {
            return failure;
        }
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        return caught instanceof OpenCodeFailureException classified ? classified : null;
    }

    private static String taskName(Exchange exchange) {
        return exchange.getIn().getHeader(OpenCodeConstants.TASK_NAME, exchange.getExchangeId(), String.class);
    }
}
