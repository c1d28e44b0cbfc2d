package org.camelopencode.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The claims of running task keys across every runner sharing the ledger (table {@code task_claims}) and the
 * runners' heartbeats (table {@code cluster_nodes}), both created by the Flyway migration {@code V2__task_claims.sql}.
 *
 * <p>A claim is a plain {@code INSERT} of the key (its primary key): a unique violation (SQLState 23505 on H2 and
 * PostgreSQL) means the key is held. A held key whose lease expired is taken over with a conditional
 * {@code UPDATE ... WHERE task_key = ? AND owner = ? AND lease_until < CURRENT_TIMESTAMP}: its update count says
 * who won. Every lease is computed by the database's clock ({@code CURRENT_TIMESTAMP}), never a node's, so runners
 * with skewed clocks agree. Each statement commits on its own (auto-commit). Plain JDBC, thread-safe; database
 * errors surface as {@link LedgerException}.
 */
public final class TaskClaims {

    private static final String UNIQUE_VIOLATION = "23505";
    /**
     * The trigger name of a claim that stores its Kafka task ({@code task_claims.trigger_name}): the Kafka take-over sweep
     * runs those, so the clean-up of claims left on completed tasks keeps them.
     */
    public static final String KAFKA_TRIGGER = "kafka";
    private static final int MAX_ROUNDS = 10;
    private static final String CLAIM_COLUMNS = "task_key, owner, claimed_at, lease_until, takeovers, task_name, trigger_name,"
            + " task_body, CASE WHEN lease_until >= CURRENT_TIMESTAMP THEN 1 ELSE 0 END AS live";
    private static final String NODE_COLUMNS = "node_id, started_at, last_renewal, renewals, lease_until,"
            + " CASE WHEN lease_until >= CURRENT_TIMESTAMP THEN 1 ELSE 0 END AS live";

    private final DataSource dataSource;

    /** @param dataSource the ledger's database, already migrated */
    TaskClaims(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Claims a task key for a node: takes it when nobody holds it, renews it when the node holds it already, takes it
     * over when its owner's lease expired, else reports the live owner.
     *
     * @param taskKey the task's ledger key, not blank
     * @param node the claiming node
     * @param taskName the task's name, or {@code null}
     * @param trigger the trigger storing the task ({@code kafka}), or {@code null}
     * @param taskBody the task to store with the claim (for a take-over without redelivery), or {@code null}
     * @return what happened; {@link ClaimState#mayRun()} says whether the node runs the task now
     * @throws LedgerException when the database fails
     */
    public Claim claim(String taskKey, ClusterNode node, String taskName, String trigger, String taskBody) {
        if (taskKey == null || taskKey.isBlank()) {
            throw new IllegalArgumentException("a claim needs a task key");
        }
        try (Connection connection = dataSource.getConnection()) {
            for (int round = 0; round < MAX_ROUNDS; round++) {
                if (insert(connection, taskKey, node, taskName, trigger, taskBody)) {
                    return new Claim(ClaimState.CLAIMED, node.nodeId(), leaseOf(connection, taskKey));
                }
                Optional<TaskClaim> held = find(connection, taskKey);
                if (held.isEmpty()) {
                    continue; // released between our INSERT and SELECT: try again
                }
                TaskClaim current = held.get();
                if (current.live() && current.owner().equals(node.nodeId())) {
                    if (renewOne(connection, taskKey, node, taskBody)) {
                        return new Claim(ClaimState.ALREADY_OWNED, node.nodeId(), leaseOf(connection, taskKey));
                    }
                    continue;
                }
                if (current.live()) {
                    return new Claim(ClaimState.HELD_BY_LIVE_OWNER, current.owner(), current.leaseUntil());
                }
                // expired: taken over, also from an earlier process that had this node's id
                if (takeOver(connection, taskKey, current.owner(), node)) {
                    return new Claim(ClaimState.TAKEN_OVER, current.owner(), leaseOf(connection, taskKey));
                }
                // another node took it over (or its owner renewed) first: look again
            }
            throw new LedgerException("claiming task " + taskKey + " did not settle after " + MAX_ROUNDS + " rounds", null);
        } catch (SQLException failed) {
            throw new LedgerException("claiming task " + taskKey + " failed: " + failed.getMessage(), failed);
        }
    }

    /**
     * Releases a node's claim of a task key and of its pipeline stages ({@code <key>#stage:<stage>}).
     *
     * @param taskKey the task's ledger key
     * @param nodeId the owner; another node's claim is left alone
     * @return how many claims were released
     */
    public int release(String taskKey, String nodeId) {
        String escaped = taskKey.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
        return update("DELETE FROM task_claims WHERE owner = ? AND (task_key = ? OR task_key LIKE ? ESCAPE '\\')",
                "releasing the claim of task " + taskKey, nodeId, taskKey, escaped + "#stage:%");
    }

    /**
     * The heartbeat: renews every claim of the node and its {@code cluster_nodes} row, one statement each.
     *
     * @param node the node
     * @return how many claims were renewed
     */
    public int renew(ClusterNode node) {
        int claims = update("UPDATE task_claims SET lease_until = " + leaseEnd(node.lease()) + " WHERE owner = ?",
                "renewing the claims of node " + node.nodeId(), node.nodeId());
        int nodes = update("UPDATE cluster_nodes SET last_renewal = CURRENT_TIMESTAMP, renewals = renewals + 1, lease_until = "
                + leaseEnd(node.lease()) + " WHERE node_id = ?", "renewing node " + node.nodeId(), node.nodeId());
        if (nodes == 0) {
            register(node);
        }
        return claims;
    }

    /**
     * Registers (or re-registers, after a restart with the same id) a node in {@code cluster_nodes}: started now, no
     * renewals, leased.
     *
     * @param node the node
     */
    public void register(ClusterNode node) {
        String lease = leaseEnd(node.lease());
        int updated = update("UPDATE cluster_nodes SET started_at = CURRENT_TIMESTAMP, last_renewal = CURRENT_TIMESTAMP,"
                + " renewals = 0, lease_until = " + lease + " WHERE node_id = ?", "registering node " + node.nodeId(), node.nodeId());
        if (updated == 0) {
            try {
                update("INSERT INTO cluster_nodes (node_id, started_at, last_renewal, renewals, lease_until)"
                        + " VALUES (?, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 0, " + lease + ")", "registering node " + node.nodeId(),
                        node.nodeId());
            } catch (LedgerException raced) {
                if (!(raced.getCause() instanceof SQLException cause && UNIQUE_VIOLATION.equals(cause.getSQLState()))) {
                    throw raced;
                }
            }
        }
    }

    /**
     * Removes the claims stopped runners left on tasks that completed: a runner killed after it recorded a task's result
     * and before it released the task's claim leaves a claim nobody releases, since the task's redelivery (JMS) or
     * re-read (a file) is answered from the recorded result without running. Only expired claims (their owner stopped
     * renewing) of a key with a {@code completed} entry go; a Kafka claim stays for the take-over sweep, which checks the
     * results topic before it answers; a live owner's claim stays its own to release.
     *
     * @return how many claims were removed
     * @throws LedgerException when the database fails
     */
    public int removeLeftOnCompletedTasks() {
        return update("DELETE FROM task_claims WHERE lease_until < CURRENT_TIMESTAMP"
                + " AND (trigger_name IS NULL OR trigger_name <> ?)"
                + " AND EXISTS (SELECT 1 FROM dispatches d WHERE d.task_key = task_claims.task_key AND d.status = ?)",
                "removing the claims stopped runners left on completed tasks", KAFKA_TRIGGER, DispatchStatus.COMPLETED.wireName());
    }

    /**
     * A single runner's start: there is no other runner, so every claim was left by a dead earlier process; they
     * expire now, and the first delivery (or sweep) of each key takes it over at once.
     *
     * @return how many claims expired
     */
    public int expireAll() {
        return update("UPDATE task_claims SET lease_until = CURRENT_TIMESTAMP - INTERVAL '1' SECOND WHERE lease_until >= CURRENT_TIMESTAMP",
                "expiring the claims of earlier runs");
    }

    /**
     * A clustered runner's start: claims held under its own node id were left by an earlier process with that id (a
     * restarted pod); they expire now so they are taken over instead of looking like this process's own.
     *
     * @param nodeId this node
     * @return how many claims expired
     */
    public int expireOwn(String nodeId) {
        return update("UPDATE task_claims SET lease_until = CURRENT_TIMESTAMP - INTERVAL '1' SECOND WHERE owner = ? AND lease_until >= CURRENT_TIMESTAMP",
                "expiring the claims an earlier process of node " + nodeId + " left", nodeId);
    }

    /**
     * @param taskKey a task key
     * @return its claim, if any
     */
    public Optional<TaskClaim> find(String taskKey) {
        try (Connection connection = dataSource.getConnection()) {
            return find(connection, taskKey);
        } catch (SQLException failed) {
            throw new LedgerException("reading the claim of task " + taskKey + " failed: " + failed.getMessage(), failed);
        }
    }

    /** @return every claim, oldest first */
    public List<TaskClaim> claims() {
        return selectClaims("ORDER BY claimed_at, task_key");
    }

    /** @return the claims whose lease expired (their owner stopped renewing), oldest first */
    public List<TaskClaim> expired() {
        return selectClaims("WHERE lease_until < CURRENT_TIMESTAMP ORDER BY lease_until, task_key");
    }

    /** @return every registered node, by id */
    public List<NodeLease> nodes() {
        String sql = "SELECT " + NODE_COLUMNS + " FROM cluster_nodes ORDER BY node_id";
        try (Connection connection = dataSource.getConnection(); PreparedStatement query = connection.prepareStatement(sql);
                ResultSet rows = query.executeQuery()) {
            List<NodeLease> nodes = new ArrayList<>();
            while (rows.next()) {
                nodes.add(new NodeLease(rows.getString("node_id"), instant(rows, "started_at"), instant(rows, "last_renewal"),
                        rows.getLong("renewals"), instant(rows, "lease_until"), rows.getInt("live") == 1));
            }
            return nodes;
        } catch (SQLException failed) {
            throw new LedgerException("reading the cluster's nodes failed: " + failed.getMessage(), failed);
        }
    }

    /** @return the SQL of "now + lease" by the database's clock; the lease is a number, never user text */
    static String leaseEnd(Duration lease) {
        return String.format(Locale.ROOT, "CURRENT_TIMESTAMP + INTERVAL '%d.%03d' SECOND", lease.toSeconds(), lease.toMillisPart());
    }

    private static boolean insert(Connection connection, String taskKey, ClusterNode node, String taskName, String trigger,
            String taskBody) throws SQLException {
        String sql = "INSERT INTO task_claims (task_key, owner, claimed_at, lease_until, takeovers, task_name, trigger_name, task_body)"
                + " VALUES (?, ?, CURRENT_TIMESTAMP, " + leaseEnd(node.lease()) + ", 0, ?, ?, ?)";
        try (PreparedStatement insert = connection.prepareStatement(sql)) {
            bind(insert, taskKey, node.nodeId(), taskName, trigger, taskBody);
            insert.executeUpdate();
            return true;
        } catch (SQLException failed) {
            if (UNIQUE_VIOLATION.equals(failed.getSQLState())) {
                return false;
            }
            throw failed;
        }
    }

    private static boolean renewOne(Connection connection, String taskKey, ClusterNode node, String taskBody) throws SQLException {
        String sql = "UPDATE task_claims SET lease_until = " + leaseEnd(node.lease()) + ", task_body = COALESCE(?, task_body)"
                + " WHERE task_key = ? AND owner = ?";
        try (PreparedStatement update = connection.prepareStatement(sql)) {
            bind(update, taskBody, taskKey, node.nodeId());
            return update.executeUpdate() == 1;
        }
    }

    private static boolean takeOver(Connection connection, String taskKey, String previousOwner, ClusterNode node) throws SQLException {
        String sql = "UPDATE task_claims SET owner = ?, claimed_at = CURRENT_TIMESTAMP, takeovers = takeovers + 1, lease_until = "
                + leaseEnd(node.lease()) + " WHERE task_key = ? AND owner = ? AND lease_until < CURRENT_TIMESTAMP";
        try (PreparedStatement update = connection.prepareStatement(sql)) {
            bind(update, node.nodeId(), taskKey, previousOwner);
            return update.executeUpdate() == 1;
        }
    }

    private static Instant leaseOf(Connection connection, String taskKey) throws SQLException {
        return find(connection, taskKey).map(TaskClaim::leaseUntil).orElse(null);
    }

    private static Optional<TaskClaim> find(Connection connection, String taskKey) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT " + CLAIM_COLUMNS + " FROM task_claims WHERE task_key = ?")) {
            bind(query, taskKey);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? Optional.of(claim(rows)) : Optional.empty();
            }
        }
    }

    private List<TaskClaim> selectClaims(String where) {
        String sql = "SELECT " + CLAIM_COLUMNS + " FROM task_claims " + where;
        try (Connection connection = dataSource.getConnection(); PreparedStatement query = connection.prepareStatement(sql);
                ResultSet rows = query.executeQuery()) {
            List<TaskClaim> claims = new ArrayList<>();
            while (rows.next()) {
                claims.add(claim(rows));
            }
            return claims;
        } catch (SQLException failed) {
            throw new LedgerException("reading the task claims failed: " + failed.getMessage(), failed);
        }
    }

    private static TaskClaim claim(ResultSet row) throws SQLException {
        return new TaskClaim(row.getString("task_key"), row.getString("owner"), instant(row, "claimed_at"), instant(row, "lease_until"),
                row.getInt("takeovers"), row.getString("task_name"), row.getString("trigger_name"), row.getString("task_body"),
                row.getInt("live") == 1);
    }

    private static Instant instant(ResultSet row, String column) throws SQLException {
        OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private int update(String sql, String what, Object... values) {
        try (Connection connection = dataSource.getConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, values);
            return statement.executeUpdate();
        } catch (SQLException failed) {
            throw new LedgerException(what + " failed: " + failed.getMessage(), failed);
        }
    }

    private static void bind(PreparedStatement statement, Object... values) throws SQLException {
        for (int index = 0; index < values.length; index++) {
            if (values[index] == null) {
                statement.setNull(index + 1, Types.VARCHAR);
            } else {
                statement.setObject(index + 1, values[index]);
            }
        }
    }
}
