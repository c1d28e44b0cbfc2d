package org.camelopencode.it.cluster;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the shared PostgreSQL ledger the runners write (tables {@code task_claims} and {@code dispatches}, migrations
 * {@code V1__dispatches.sql} and {@code V2__task_claims.sql}) with plain JDBC: which tasks a node owns, which of them
 * run (a {@code running} dispatch with a recorded session), and how many sessions each task got.
 */
final class ClusterLedgerProbe {

    private final String url;
    private final String user;

    /**
     * @param url the ledger's JDBC URL
     * @param user its user (trust authentication, no password)
     */
    ClusterLedgerProbe(String url, String user) {
        this.url = url;
        this.user = user;
    }

    /**
     * @param nodeId a runner's node id
     * @return the task names ({@code task_claims.task_name}) of every claim the node holds, live or expired
     */
    List<String> claimedBy(String nodeId) throws SQLException {
        return names("SELECT task_name FROM task_claims WHERE owner = ? ORDER BY task_name", nodeId);
    }

    /**
     * @param nodeId a runner's node id
     * @return the task names the node claims whose dispatch is running in a recorded session ({@code dispatches.status
     *     = 'running'} with a {@code session_id}): the tasks it is working on
     */
    List<String> runningOn(String nodeId) throws SQLException {
        return names("SELECT c.task_name FROM task_claims c JOIN dispatches d ON d.task_key = c.task_key"
                + " WHERE c.owner = ? AND d.status = 'running' AND d.session_id IS NOT NULL ORDER BY c.task_name", nodeId);
    }

    /**
     * @return for each task name of the {@code dispatches} table, how many distinct sessions its entries recorded
     *     (one per task when no task got a second session)
     */
    Map<String, Integer> sessionsPerTask() throws SQLException {
        Map<String, Integer> sessions = new LinkedHashMap<>();
        try (Connection connection = DriverManager.getConnection(url, user, "");
                PreparedStatement query = connection.prepareStatement(
                        "SELECT task_name, COUNT(DISTINCT session_id) FROM dispatches GROUP BY task_name ORDER BY task_name");
                ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                sessions.put(rows.getString(1), rows.getInt(2));
            }
        }
        return sessions;
    }

    /**
     * @return the claims left in {@code task_claims} (none once every task ended), each as "task name (owner, live or
     *     expired, entry status)"
     */
    List<String> claimsLeft() throws SQLException {
        List<String> claims = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection(url, user, "");
                PreparedStatement query = connection.prepareStatement("SELECT c.task_name, c.owner,"
                        + " CASE WHEN c.lease_until >= CURRENT_TIMESTAMP THEN 'live' ELSE 'expired' END,"
                        + " (SELECT string_agg(d.status, '/' ORDER BY d.id) FROM dispatches d WHERE d.task_key = c.task_key)"
                        + " FROM task_claims c ORDER BY c.task_name");
                ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                claims.add(rows.getString(1) + " (" + rows.getString(2) + ", " + rows.getString(3) + ", entries "
                        + rows.getString(4) + ")");
            }
        }
        return claims;
    }

    private List<String> names(String sql, String nodeId) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection(url, user, "");
                PreparedStatement query = connection.prepareStatement(sql)) {
            query.setString(1, nodeId);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    names.add(rows.getString(1));
                }
            }
        }
        return names;
    }
}
