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
 *
 * <p>A runner holds at most {@code limit} file locks at once ({@code opencode.concurrency}, the tasks it runs at once):
 * past that, {@link #add} refuses without asking the ledger, the file consumer skips the file for this poll, and
 * another runner on the inbox takes it. So one runner's poll does not lock a whole batch of files it can only queue.
 */
public final class InboxLocks extends ServiceSupport implements IdempotentRepository {

    private static final String PREFIX = "inbox:";

    private final OpenCodeComponent component;
    private final int limit;
    private final java.util.Set<String> held = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * @param component the component whose ledger and node hold the locks
     * @param limit how many files this runner locks at once (its tasks at once, {@code opencode.concurrency}), at least 1
     * @throws IllegalArgumentException for a limit under 1
     */
    public InboxLocks(OpenCodeComponent component, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("the shared inbox's lock limit (opencode.concurrency) must be at least 1, was " + limit);
        }
        this.component = component;
        this.limit = limit;
    }

    /**
     * Takes the lock of a file.
     *
     * @param key the file's key (its absolute path)
     * @return {@code true} when this runner took it (new, or taken over from a dead runner), {@code false} when a live
     *     runner (this one too) holds it, or this runner holds {@code limit} files already (the ledger is not asked)
     * @throws IllegalStateException when there is no ledger ({@code opencode.ledger.enabled=false})
     */
    @Override
    public synchronized boolean add(String key) {
        if (held.size() >= limit) {
            return false;
        }
        Claim claim = ledger().claims().claim(PREFIX + key, component.getClusterNode(), null, "inbox", null);
        boolean taken = claim.state() == ClaimState.CLAIMED || claim.state() == ClaimState.TAKEN_OVER;
        if (taken) {
            held.add(key);
        }
        return taken;
    }

    /** @return how many files this runner has locked now (at most the limit) */
    public int held() {
        return held.size();
    }

    /** @return whether a live runner holds the file's lock */
    @Override
    public boolean contains(String key) {
        return ledger().claims().find(PREFIX + key).map(TaskClaim::live).orElse(false);
    }

    /** Releases this runner's lock of the file (the file was archived, dead-lettered or handed back). */
    @Override
    public boolean remove(String key) {
        try {
            return ledger().claims().release(PREFIX + key, component.getClusterNode().nodeId()) > 0;
        } finally {
            held.remove(key);
        }
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
