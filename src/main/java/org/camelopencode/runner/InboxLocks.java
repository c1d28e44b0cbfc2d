package org.camelopencode.runner;

import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;
import org.camelopencode.component.OpenCodeComponent;
import org.camelopencode.ledger.Claim;
import org.camelopencode.ledger.ClaimState;
import org.camelopencode.ledger.DispatchLedger;
import org.camelopencode.ledger.TaskClaim;

/**
 * The shared inbox's read lock (README "Running several runners", {@code opencode.inbox.shared=true}): Camel's
 * {@code readLock=idempotent-changed} over the ledger's claims, so of several runners on one inbox exactly one takes
 * each file. A file's lock is a claim of {@code inbox:<absolute path>} by this node: taken with the claim's
 * {@code INSERT}, renewed by the node's heartbeat, released when the file was archived or handed back; a runner that
 * died leaves a lock whose lease expires, and another runner takes the file over (and its task resumes through the
 * ledger). Chosen over camel-sql's {@code JdbcOrphanLockAwareIdempotentRepository} because Camel 4.18.0 still has
 * CAMEL-23294 in it, and the claim already is an orphan-aware lock with the database's clock. Bound as
 * {@code opencodeInboxLocks}.
 */
public final class InboxLocks extends ServiceSupport implements IdempotentRepository {

    private static final String PREFIX = "inbox:";

    private final OpenCodeComponent component;

    /** @param component the component whose ledger and node hold the locks */
    public InboxLocks(OpenCodeComponent component) {
        this.component = component;
    }

    /**
     * Takes the lock of a file.
     *
     * @param key the file's key (its absolute path)
     * @return {@code true} when this runner took it (new, or taken over from a dead runner), {@code false} when a live
     *     runner (this one too) holds it
     * @throws IllegalStateException when there is no ledger ({@code opencode.ledger.enabled=false})
     */
    @Override
    public boolean add(String key) {
        Claim claim = ledger().claims().claim(PREFIX + key, component.getClusterNode(), null, "inbox", null);
        return claim.state() == ClaimState.CLAIMED || claim.state() == ClaimState.TAKEN_OVER;
    }

    /** @return whether a live runner holds the file's lock */
    @Override
    public boolean contains(String key) {
        return ledger().claims().find(PREFIX + key).map(TaskClaim::live).orElse(false);
    }

    /** Releases this runner's lock of the file (the file was archived, dead-lettered or handed back). */
    @Override
    public boolean remove(String key) {
        return ledger().claims().release(PREFIX + key, component.getClusterNode().nodeId()) > 0;
    }

    /** Releases the lock too: a processed file leaves the inbox, so nothing needs to remember it. */
    @Override
    public boolean confirm(String key) {
        return remove(key);
    }

    /** Does nothing: other runners' locks are not this runner's to drop. */
    @Override
    public void clear() {
        // each lock is released by its owner, or expires with its lease
    }

    private DispatchLedger ledger() {
        DispatchLedger ledger = component.getLedger();
        if (ledger == null) {
            throw new IllegalStateException("opencode.inbox.shared=true needs the dispatch ledger (opencode.ledger.enabled=true)");
        }
        return ledger;
    }

    @Override
    protected void doStart() {
        // the ledger opens and closes with the component
    }

    @Override
    protected void doStop() {
        // the ledger opens and closes with the component
    }
}
