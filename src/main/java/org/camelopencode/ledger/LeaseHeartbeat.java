package org.camelopencode.ledger;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's heartbeat: registers it in {@code cluster_nodes} and renews its row and every claim it owns every lease/3
 * ({@link TaskClaims#renew}, one statement for all claims), and removes the claims stopped runners left on completed
 * tasks ({@link TaskClaims#removeLeftOnCompletedTasks}). At start the claims an earlier process left expire at
 * once: all of them for a single runner ({@link ClusterNode#clustered()} {@code false}), those under this node's own
 * id for a clustered one. A failed renewal is logged and retried on
 * the next beat; {@link #status()} tells the health check.
 */
public final class LeaseHeartbeat implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LeaseHeartbeat.class);

    private final TaskClaims claims;
    private final ClusterNode node;
    private final Clock clock;
    private final AtomicLong renewals = new AtomicLong();
    private volatile Instant lastRenewal;
    private volatile String lastProblem;
    private ScheduledExecutorService beat;

    /**
     * @param claims the ledger's claims
     * @param node this node
     * @param clock the local clock, only for {@link #status()} (leases themselves use the database's clock)
     */
    public LeaseHeartbeat(TaskClaims claims, ClusterNode node, Clock clock) {
        this.claims = claims;
        this.node = node;
        this.clock = clock;
    }

    /**
     * Registers the node, expires an earlier process's claims (see the class comment), and starts beating.
     *
     * @throws LedgerException when the node cannot be registered
     */
    public synchronized void start() {
        claims.register(node);
        lastRenewal = clock.instant();
        int expired = node.clustered() ? claims.expireOwn(node.nodeId()) : claims.expireAll();
        if (expired > 0) {
            LOG.info("Cluster: {} task claims left by an earlier run expired at once ({}): each is taken over when met",
                    expired, node.clustered() ? "they had this node's id " + node.nodeId() : "the only runner: opencode.cluster.enabled=false");
        }
        beat = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "opencode-lease-heartbeat");
            thread.setDaemon(true);
            return thread;
        });
        long every = Math.max(1, node.renewEvery().toMillis());
        beat.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
        LOG.info("Cluster: node {} (lease {}, renewed every {} ms{})", node.nodeId(), node.lease(), every,
                node.clustered() ? ", shared with other runners" : ", the only runner");
    }

    /**
     * Renews once now (the beat does it every lease/3), then removes the claims stopped runners left on completed tasks
     * ({@link TaskClaims#removeLeftOnCompletedTasks}); a failure is logged and kept for {@link #status()}.
     */
    public void renew() {
        try {
            claims.renew(node);
            renewals.incrementAndGet();
            lastRenewal = clock.instant();
            lastProblem = null;
        } catch (RuntimeException failed) {
            lastProblem = failed.getMessage();
            LOG.warn("Cluster: node {} could not renew its lease: {}", node.nodeId(), failed.getMessage());
            return;
        }
        try {
            int removed = claims.removeLeftOnCompletedTasks();
            if (removed > 0) {
                LOG.info("Cluster: removed {} claims of completed tasks that stopped runners left behind", removed);
            }
        } catch (RuntimeException failed) {
            LOG.warn("Cluster: the claims stopped runners left on completed tasks could not be removed (tried again on the next beat): {}",
                    failed.getMessage());
        }
    }

    /** @return the node, its renewals, its last renewal and until when its lease holds (by this node's clock) */
    public HeartbeatStatus status() {
        Instant last = lastRenewal;
        Instant until = last == null ? null : last.plus(node.lease());
        boolean live = until != null && until.isAfter(clock.instant());
        return new HeartbeatStatus(node.nodeId(), renewals.get(), last, until, live, lastProblem);
    }

    /** @return this node */
    public ClusterNode node() {
        return node;
    }

    /** Stops beating; the claims stay until their lease expires (another runner then takes them over). */
    @Override
    public synchronized void close() {
        if (beat != null) {
            beat.shutdownNow();
            beat = null;
        }
    }

    /**
     * What the health check reports.
     *
     * @param nodeId the node id
     * @param renewals successful renewals since start
     * @param lastRenewal the last successful renewal (or the registration), or {@code null}
     * @param leaseUntil the last renewal plus the lease, or {@code null}
     * @param live whether that is still ahead (else other runners may take this node's claims over)
     * @param lastProblem why the last renewal failed, or {@code null} when it succeeded
     */
    public record HeartbeatStatus(String nodeId, long renewals, Instant lastRenewal, Instant leaseUntil, boolean live,
            String lastProblem) {
    }
}
