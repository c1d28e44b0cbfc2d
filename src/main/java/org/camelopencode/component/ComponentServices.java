package org.camelopencode.component;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceHelper;
import org.camelopencode.ledger.ClusterNode;
import org.camelopencode.ledger.DispatchLedger;
import org.camelopencode.ledger.LeaseHeartbeat;
import org.camelopencode.task.Durations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background work of a running component, started and stopped with it: the cluster lease heartbeat (with a
 * ledger; renews this node's claims in {@code task_claims} every lease/3), the progress logger (one line per dispatch
 * in flight every {@code progressInterval}) and the session retention sweeper ({@code DELETE /session/{id}} of
 * finished attempts older than {@code sessionRetention}).
 */
final class ComponentServices {

    private static final Logger LOG = LoggerFactory.getLogger(ComponentServices.class);

    private volatile LeaseHeartbeat heartbeat;
    private volatile ProgressLogger progressLogger;
    private volatile SessionRetention retentionSweeper;
    private final List<AutoCloseable> closeWithComponent = new ArrayList<>();

    /**
     * Logs the ledger's unfinished attempts and starts what is configured.
     *
     * @param context the component's Camel context (thread pools)
     * @param ledger the dispatch ledger, or {@code null} for none (no heartbeat, no retention)
     * @param clusterNode this runner's node id and lease
     * @param options the progress interval ({@code null} or zero = no progress lines) and the session retention
     *     ({@code null} or zero = sessions are kept)
     * @param servers the component's servers
     * @throws IllegalArgumentException when an interval is negative
     */
    void start(CamelContext context, DispatchLedger ledger, ClusterNode clusterNode, ServicesConfiguration options,
            ServerRegistry servers) {
        Duration progressInterval = options.getProgressInterval();
        Duration sessionRetention = options.getSessionRetention();
        if (ledger != null) {
            LedgerRecovery.logUnfinished(ledger);
            heartbeat = new LeaseHeartbeat(ledger.claims(), clusterNode, Clock.systemUTC());
            heartbeat.start();
        }
        if (progressInterval != null && !progressInterval.isZero()) {
            progressLogger = new ProgressLogger(context, Durations.requirePositive(progressInterval, "progressInterval"),
                    servers::fleetReports, servers::progress);
            ServiceHelper.startService(progressLogger);
        }
        if (sessionRetention == null || sessionRetention.isZero()) {
            return;
        }
        if (ledger == null) {
            LOG.warn("sessionRetention {} is set but no ledger is configured: sessions are kept", sessionRetention);
            return;
        }
        retentionSweeper = new SessionRetention(context, Durations.requirePositive(sessionRetention, "sessionRetention"), ledger,
                servers::clientsByName, Clock.systemUTC());
        ServiceHelper.startService(retentionSweeper);
    }

    /** Stops the progress logger and the retention sweeper (before the servers close). */
    void stopSweeps() {
        ServiceHelper.stopService(progressLogger, retentionSweeper);
        progressLogger = null;
        retentionSweeper = null;
    }

    /** @param resource closed by {@link #stop}, in the order registered (for example the offline demo's scripted model) */
    synchronized void closeWithComponent(AutoCloseable resource) {
        closeWithComponent.add(resource);
    }

    /**
     * Closes the registered resources (a failure is logged, the others still close), then stops the lease heartbeat,
     * then closes the ledger. Called after the servers closed.
     *
     * @param ledger the dispatch ledger, or {@code null}
     */
    synchronized void stop(DispatchLedger ledger) {
        for (AutoCloseable resource : closeWithComponent) {
            try {
                resource.close();
            } catch (Exception failure) {
                LOG.warn("Closing {} failed: {}", resource, failure.getMessage());
            }
        }
        closeWithComponent.clear();
        LeaseHeartbeat running = heartbeat;
        if (running != null) {
            running.close();
            heartbeat = null;
        }
        if (ledger != null) {
            ledger.close();
        }
    }

    /** @return the lease heartbeat while it runs, else {@code null} */
    LeaseHeartbeat heartbeat() {
        return heartbeat;
    }

    /** @return the retention sweeper while it runs, else {@code null} */
    SessionRetention retentionSweeper() {
        return retentionSweeper;
    }
}
