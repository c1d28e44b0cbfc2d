package org.camelopencode.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.atomic.AtomicInteger;
import org.camelopencode.dispatch.AttemptListener;

/**
 * Micrometer meters of {@code opencode:dispatch} (one instance per meter registry; thread-safe):
 * <ul>
 *   <li>{@code opencode.dispatches} counter, tags {@code outcome} ({@code completed|failed}) and {@code kind} (failure
 *       kind wire name, {@code none} when completed); Prometheus {@code opencode_dispatches_total}</li>
 *   <li>{@code opencode.tokens} counter, tags {@code model} and {@code type} ({@code input|output|reasoning});
 *       {@code opencode_tokens_total}</li>
 *   <li>{@code opencode.cost} counter in USD, tag {@code model}; {@code opencode_cost_total}</li>
 *   <li>{@code opencode.dispatches.inflight} gauge: attempts started and not decided; {@code opencode_dispatches_inflight}</li>
 *   <li>{@code opencode.dispatch.duration} timer, tags {@code outcome} and {@code kind}: wall time from dispatch to the
 *       gate's verdict; {@code opencode_dispatch_duration_seconds_*}</li>
 *   <li>{@code opencode_takeovers_total}: claims taken over from a runner whose lease expired</li>
 *   <li>{@code opencode.handbacks} counter ({@code opencode_handbacks_total}): attempts that never ran because another
 *       runner held their task's key with a live lease ({@code TaskClaimedException}); the task went back to its
 *       trigger. Not a dispatch: a hand-back is counted in neither {@code opencode.dispatches} nor the duration</li>
 * </ul>
 * One attempt counts once: a task the playbook retries three times counts three dispatches.
 */
public final class DispatchMetrics {

    private final MeterRegistry registry;
    private final AtomicInteger inFlight = new AtomicInteger();

    /** @param registry where the meters live (camel-micrometer-prometheus's when {@code camel.metrics.enabled}) */
    public DispatchMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("opencode.dispatches.inflight", inFlight, AtomicInteger::get)
                .description("opencode:dispatch attempts started and not decided yet").register(registry);
    }

    /** This runner took over the claim of a task whose owner's lease expired ({@code opencode_takeovers_total}). */
    public void takeover() {
        Counter.builder("opencode.takeovers")
                .description("task claims this runner took over from a runner whose lease expired (README \"Running several runners\")")
                .register(registry).increment();
    }

    /**
     * Starts measuring one attempt.
     *
     * @param askedModel the model the request named, or {@code null}: used when the failure names none
     * @return the attempt's listener: the in-flight gauge is up until it is told {@code completed} or {@code failed}
     *     (once), which counts the attempt as {@link #attemptEnded(AttemptOutcome)} does, or {@code handedBack}, which
     *     counts it as {@link #attemptHandedBack()} does
     */
    public AttemptListener startAttempt(String askedModel) {
        attemptStarted();
        return new OutcomeListener(askedModel) {
            @Override
            void ended(AttemptOutcome outcome) {
                attemptEnded(outcome);
            }

            @Override
            void handedBack(java.time.Duration waited) {
                attemptHandedBack();
            }
        };
    }

    /**
     * An attempt never ran: its task's key is another runner's (a hand-back to the trigger). Lowers the in-flight gauge
     * and counts {@code opencode.handbacks}; no dispatch outcome, failure kind or duration is recorded.
     */
    public void attemptHandedBack() {
        inFlight.decrementAndGet();
        Counter.builder("opencode.handbacks")
                .description("tasks handed back to their trigger because another runner held their key (README \"Running several runners\")")
                .register(registry).increment();
    }

    /** An attempt started: the in-flight gauge goes up until {@link #attemptEnded(AttemptOutcome)}. */
    public void attemptStarted() {
        inFlight.incrementAndGet();
    }

    /**
     * An attempt ended: counts it by outcome and kind, adds its tokens and cost under its model, times it and lowers
     * the in-flight gauge.
     *
     * @param outcome how it ended
     */
    public void attemptEnded(AttemptOutcome outcome) {
        inFlight.decrementAndGet();
        String result = outcome.completed() ? "completed" : "failed";
        Counter.builder("opencode.dispatches").description("opencode:dispatch attempts by outcome and failure kind")
                .tag("outcome", result).tag("kind", outcome.kind()).register(registry).increment();
        Timer.builder("opencode.dispatch.duration").description("opencode:dispatch attempt wall time, dispatch to verdict")
                .tag("outcome", result).tag("kind", outcome.kind()).register(registry).record(outcome.duration());
        countTokens(outcome.model(), "input", outcome.tokens().input());
        countTokens(outcome.model(), "output", outcome.tokens().output());
        countTokens(outcome.model(), "reasoning", outcome.tokens().reasoning());
        Counter.builder("opencode.cost").description("cost of opencode:dispatch attempts in USD, by model")
                .tag("model", outcome.model()).register(registry).increment(Math.max(0, outcome.cost()));
    }

    /**
     * Records one completion-detection latency: session seen idle -> verdict (timer {@code opencode.gate.latency}).
     *
     * @param latency the time the gate took
     */
    public void gateLatency(java.time.Duration latency) {
        Timer.builder("opencode.gate.latency").description("completion gate latency: session seen idle to the verdict")
                .publishPercentiles(0.5, 0.99).register(registry).record(latency);
    }

    /** @return attempts started and not decided yet */
    public int inFlight() {
        return inFlight.get();
    }

    private void countTokens(String model, String type, long tokens) {
        Counter.builder("opencode.tokens").description("tokens used by opencode:dispatch attempts, by model and type")
                .tag("model", model).tag("type", type).register(registry).increment(Math.max(0, tokens));
    }
}
