package org.camelopencode.component;

import java.util.List;
import org.camelopencode.ledger.DispatchLedger;
import org.camelopencode.ledger.LedgerEntry;
import org.camelopencode.ledger.LedgerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At start: what an earlier process left running in the ledger. Nothing is dispatched from here: each such task is
 * resumed when its trigger delivers it again (a file still in the inbox, an unacknowledged JMS message, an uncommitted
 * Kafka offset), and the producer then re-attaches to its recorded session instead of starting another.
 */
final class LedgerRecovery {

    private static final Logger LOG = LoggerFactory.getLogger(LedgerRecovery.class);

    private LedgerRecovery() {
    }

    /**
     * Logs one summary line, and one line per unfinished entry.
     *
     * @param ledger the ledger
     * @return the unfinished entries, oldest first (empty when the ledger could not be read: logged as a warning)
     */
    static List<LedgerEntry> logUnfinished(DispatchLedger ledger) {
        List<LedgerEntry> unfinished;
        try {
            unfinished = ledger.unfinished();
        } catch (LedgerException unreadable) {
            LOG.warn("Dispatch ledger: unfinished dispatches could not be read: {}", unreadable.getMessage());
            return List.of();
        }
        if (unfinished.isEmpty()) {
            LOG.info("Dispatch ledger: no unfinished dispatches from an earlier run");
            return unfinished;
        }
        long withSession = unfinished.stream().filter(entry -> entry.sessionId() != null).count();
        LOG.info("Dispatch ledger: {} dispatches were left running by an earlier run ({} with a session to re-attach to, {}"
                + " without one, to start again); each resumes when its trigger delivers the task again", unfinished.size(),
                withSession, unfinished.size() - withSession);
        unfinished.forEach(entry -> LOG.info("Dispatch ledger: unfinished {}", entry.describe()));
        return unfinished;
    }
}
