package org.camelopencode.component;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;
import org.camelopencode.client.OpenCodeApiException;
import org.camelopencode.client.OpenCodeClient;
import org.camelopencode.client.OpenCodeClientException;
import org.camelopencode.ledger.DispatchLedger;
import org.camelopencode.ledger.LedgerEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Session retention (issue 15 item 6, {@code opencode.sessions.retention}): every sweep deletes the sessions of finished
 * ledger entries older than the retention ({@link DispatchLedger#finishedWithSessionBefore}: never a session a running
 * entry names), on the servers of this component, with {@code GET /session/{id}} (its directory) then
 * {@code DELETE /session/{id}?directory=...}; a session already gone (404) counts as deleted. One INFO line per sweep:
 * {@code Retention: deleted N sessions older than P7D, kept M running}. A Camel service started and stopped with the
 * component; its thread comes from the context's executor service manager.
 */
final class SessionRetention extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(OpenCodeComponent.class);
    /** The most entries one sweep looks at. */
    static final int SWEEP_LIMIT = 500;

    private final CamelContext context;
    private final Duration retention;
    private final Duration interval;
    private final DispatchLedger ledger;
    private final Supplier<Map<String, OpenCodeClient>> servers;
    private final Clock clock;
    /** Sessions deleted (or found gone) by this process, so a later sweep does not ask again. */
    private final Set<String> deleted = ConcurrentHashMap.newKeySet();
    private ScheduledExecutorService timer;

    /**
     * @param context the context whose executor service manager runs the timer
     * @param retention how long a finished session is kept; positive
     * @param ledger the dispatch ledger
     * @param servers this component's servers now, by the name the ledger records ({@code instance-2}, or the URL)
     * @param clock the clock of "older than"
     */
    SessionRetention(CamelContext context, Duration retention, DispatchLedger ledger, Supplier<Map<String, OpenCodeClient>> servers,
            Clock clock) {
        this.context = context;
        this.retention = retention;
        this.interval = sweepInterval(retention);
        this.ledger = ledger;
        this.servers = servers;
        this.clock = clock;
    }

    /**
     * @param retention the retention
     * @return how often to sweep: a tenth of the retention, at least 1 s and at most 1 h
     */
    static Duration sweepInterval(Duration retention) {
        Duration tenth = retention.dividedBy(10);
        return tenth.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1)
                : tenth.compareTo(Duration.ofHours(1)) > 0 ? Duration.ofHours(1) : tenth;
    }

    /**
     * Sweeps once now.
     *
     * @return the sessions deleted by this sweep
     */
    int sweepOnce() {
        Map<String, OpenCodeClient> clients = servers.get();
        List<LedgerEntry> old = ledger.finishedWithSessionBefore(clock.instant().minus(retention), SWEEP_LIMIT);
        int removed = 0;
        for (LedgerEntry entry : old) {
            OpenCodeClient client = clients.get(entry.server());
            if (client != null && !deleted.contains(entry.sessionId()) && delete(client, entry.sessionId())) {
                removed++;
            }
        }
        Set<String> running = ledger.unfinished().stream().map(LedgerEntry::sessionId).filter(id -> id != null)
                .collect(Collectors.toSet());
        LOG.info("Retention: deleted {} sessions older than {}, kept {} running", removed, retention, running.size());
        return removed;
    }

    private boolean delete(OpenCodeClient client, String sessionId) {
        try {
            String directory = client.session(sessionId).directory();
            client.inDirectory(directory == null ? null : Path.of(directory)).deleteSession(sessionId);
            deleted.add(sessionId);
            return true;
        } catch (OpenCodeApiException refused) {
            if (refused.statusCode() == 404) {
                deleted.add(sessionId); // gone already: nothing to keep asking about
            } else {
                LOG.warn("Retention: deleting session {} failed: {}", sessionId, refused.getMessage());
            }
        } catch (OpenCodeClientException unreachable) {
            LOG.warn("Retention: deleting session {} failed: {}", sessionId, unreachable.getMessage());
        }
        return false;
    }

    @Override
    protected void doStart() {
        long millis = interval.toMillis();
        timer = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "OpenCodeSessionRetention");
        timer.scheduleWithFixedDelay(this::sweepSafely, millis, millis, TimeUnit.MILLISECONDS);
    }

    private void sweepSafely() {
        try {
            sweepOnce();
        } catch (RuntimeException failure) {
            LOG.warn("Retention: the sweep failed: {}", failure.getMessage());
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
