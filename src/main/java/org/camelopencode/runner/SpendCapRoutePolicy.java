package org.camelopencode.runner;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.support.RoutePolicySupport;
import org.camelopencode.component.AttemptHistory;
import org.camelopencode.task.AttemptRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A rolling spend cap for one route ({@code opencode.budget.route-cost} USD over {@code opencode.budget.window}):
 * sums the cost of every finished exchange (every attempt of its current run in the {@link AttemptHistory}: the
 * successful attempt's cost, which {@code opencode:dispatch} also sets as {@code CamelOpenCodeCost}, and each failed
 * attempt's {@code OpenCodeFailureException.getCost()}). When the spend inside the window reaches the cap it
 * suspends the route's consumer: no new tasks are taken, tasks in flight finish. It resumes the consumer once enough
 * spend has left the window. Logs WARN on suspend and INFO on resume; a {@link SpendCapHealthCheck} reports readiness
 * DOWN while suspended.
 *
 * <p>A cap of 0 (or less) disables the policy. Costs count when their exchange finishes, so a long task can take the
 * spend past the cap; the cap stops the next tasks, it does not abort running ones (the per-task caps do that).
 * Thread-safe.
 */
public class SpendCapRoutePolicy extends RoutePolicySupport {

    private static final Logger LOG = LoggerFactory.getLogger(SpendCapRoutePolicy.class);

    private final double cap;
    private final Duration window;
    private final Clock clock;
    private final Deque<Spend> spends = new ArrayDeque<>();
    private volatile Route route;
    private volatile boolean suspended;
    private volatile Instant resumeAt;
    private ScheduledExecutorService scheduler;
    private ScheduledFuture<?> resumeCheck;

    /**
     * @param cap the most USD the route may spend inside one window; 0 or less = no cap
     * @param window the rolling window, positive
     * @param clock the time source (tests pass their own)
     * @throws IllegalArgumentException when the window is not positive
     */
    public SpendCapRoutePolicy(double cap, Duration window, Clock clock) {
        if (window.isZero() || window.isNegative()) {
            throw new IllegalArgumentException("opencode.budget.window must be positive, got " + window);
        }
        this.cap = cap;
        this.window = window;
        this.clock = clock;
    }

    /** @return whether a cap is set */
    public boolean isEnabled() {
        return cap > 0;
    }

    /** @return the cap in USD per window */
    public double getCap() {
        return cap;
    }

    /** @return the rolling window */
    public Duration getWindow() {
        return window;
    }

    /** @return whether the consumer is suspended because the cap is reached */
    public boolean isSuspended() {
        return suspended;
    }

    /** @return when the spend is expected to drop below the cap while suspended, else {@code null} */
    public Instant getResumeAt() {
        return resumeAt;
    }

    /** @return the route this policy guards, or {@code null} before it is initialised */
    public Route getRoute() {
        return route;
    }

    /** @return USD spent by exchanges that finished inside the current window */
    public synchronized double spentInWindow() {
        dropExpired(clock.instant());
        return spends.stream().mapToDouble(Spend::cost).sum();
    }

    @Override
    public void onInit(Route route) {
        super.onInit(route);
        this.route = route;
    }

    /**
     * Registers the readiness check {@code route-spend-cap:<routeId>} in the context's health-check registry, if any.
     * Not in {@link #onInit}: camel-main replaces the registry after the routes are initialised.
     */
    @Override
    public void onStart(Route route) {
        super.onStart(route);
        HealthCheckRegistry registry = HealthCheckRegistry.get(route.getCamelContext());
        if (registry != null && registry.getCheck("route-spend-cap:" + route.getRouteId()).isEmpty()) {
            SpendCapHealthCheck check = new SpendCapHealthCheck(this, route.getRouteId());
            check.setCamelContext(route.getCamelContext());
            registry.register(check);
        }
    }

    @Override
    public void onExchangeDone(Route route, Exchange exchange) {
        double cost = AttemptHistory.currentRun(exchange).stream().mapToDouble(AttemptRecord::cost).sum();
        if (!isEnabled() || cost <= 0) {
            return;
        }
        synchronized (this) {
            spends.addLast(new Spend(clock.instant(), cost));
        }
        check();
    }

    /**
     * Suspends the consumer when the spend in the window reached the cap, resumes it when it dropped below. Runs after
     * every finished exchange and, while suspended, when the oldest spend leaves the window.
     */
    synchronized void check() {
        if (route == null) {
            return;
        }
        Instant now = clock.instant();
        double spent = spentInWindow();
        if (spent >= cap && !suspended) {
            suspended = true;
            resumeAt = spends.isEmpty() ? now : spends.peekFirst().at().plus(window);
            LOG.warn("Route {} spent {} USD of its {} USD cap in the last {}: suspended (taking no new tasks) until about {}",
                    route.getRouteId(), round(spent), cap, window, resumeAt);
            try {
                suspendOrStopConsumer(route.getConsumer());
            } catch (Exception failure) {
                LOG.warn("Route {} could not suspend its consumer: {}", route.getRouteId(), failure.toString());
            }
        } else if (spent < cap && suspended) {
            suspended = false;
            resumeAt = null;
            LOG.info("Route {} spent {} USD of its {} USD cap in the last {}: resumed", route.getRouteId(), round(spent), cap,
                    window);
            try {
                resumeOrStartConsumer(route.getConsumer());
            } catch (Exception failure) {
                LOG.warn("Route {} could not resume its consumer: {}", route.getRouteId(), failure.toString());
            }
        }
        if (suspended) {
            scheduleCheck(now);
        }
    }

    private void scheduleCheck(Instant now) {
        if (resumeCheck != null && !resumeCheck.isDone()) {
            return;
        }
        if (scheduler == null) {
            scheduler = route.getCamelContext().getExecutorServiceManager()
                    .newSingleThreadScheduledExecutor(this, "opencode-spend-cap-" + route.getRouteId());
        }
        Instant next = spends.isEmpty() ? now : spends.peekFirst().at().plus(window);
        long delay = Math.max(1, Duration.between(now, next).toMillis() + 1);
        resumeCheck = scheduler.schedule(this::check, delay, TimeUnit.MILLISECONDS);
    }

    private void dropExpired(Instant now) {
        Instant oldest = now.minus(window);
        while (!spends.isEmpty() && !spends.peekFirst().at().isAfter(oldest)) {
            spends.removeFirst();
        }
    }

    private static String round(double usd) {
        return String.format(java.util.Locale.ROOT, "%.4f", usd);
    }

    @Override
    protected synchronized void doStop() throws Exception {
        if (scheduler != null) {
            route.getCamelContext().getExecutorServiceManager().shutdownNow(scheduler);
            scheduler = null;
            resumeCheck = null;
        }
        super.doStop();
    }

    /** One finished exchange's cost. */
    private record Spend(Instant at, double cost) {
    }
}
