package org.camelopencode.component;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;
import org.camelopencode.dispatch.DispatchProgress;
import org.camelopencode.server.InstanceReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs, every {@code progressInterval}, one {@code Fleet:} line per fleet server (state, load, sessions served) and
 * one {@code Progress:} line per dispatch in flight (state, elapsed time, tool calls, tokens, cost, from the session's
 * events). A Camel service started and stopped with the component; its thread comes from the context's executor
 * service manager.
 */
final class ProgressLogger extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(OpenCodeComponent.class);

    private final CamelContext context;
    private final Duration interval;
    private final Supplier<List<InstanceReport>> fleetReports;
    private final Supplier<List<DispatchProgress>> inFlight;
    private ScheduledExecutorService timer;

    /**
     * @param context the context whose executor service manager runs the timer
     * @param interval the time between two rounds of lines; positive
     * @param fleetReports the fleet's servers now (empty without a fleet)
     * @param inFlight the dispatches in flight now
     */
    ProgressLogger(CamelContext context, Duration interval, Supplier<List<InstanceReport>> fleetReports,
            Supplier<List<DispatchProgress>> inFlight) {
        this.context = context;
        this.interval = interval;
        this.fleetReports = fleetReports;
        this.inFlight = inFlight;
    }

    /** Logs one round of lines now. */
    void logOnce() {
        fleetReports.get().forEach(report -> LOG.info("Fleet: {}", report.describe()));
        inFlight.get().forEach(progress -> LOG.info("Progress: {}", progress.describe()));
    }

    @Override
    protected void doStart() {
        long millis = interval.toMillis();
        timer = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "OpenCodeProgress");
        timer.scheduleWithFixedDelay(this::logSafely, millis, millis, TimeUnit.MILLISECONDS);
    }

    private void logSafely() {
        try {
            logOnce();
        } catch (RuntimeException failure) {
            // A failed round must not end the schedule.
            LOG.debug("A progress round failed: {}", failure.toString());
        }
    }

    @Override
    protected void doStop() {
        if (timer != null) {
            context.getExecutorServiceManager().shutdownNow(timer);
            timer = null;
        }
    }
}
