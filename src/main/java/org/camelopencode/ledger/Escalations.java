package org.camelopencode.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The requests runners escalated to the approval queue (table {@code escalations}, Flyway migration
 * {@code V3__escalations.sql}): which session waits for which request id, recorded by the escalating runner before the
 * request is published, read by whichever runner consumes the approval ({@link ApprovalRouting}). A row stays a day
 * past its time to live (so a late approval is rejected with its reason), then the next recording deletes it. Plain
 * JDBC, auto-commit, thread-safe; database errors surface as {@link LedgerException}.
 */
public final class Escalations {

    private static final String COLUMNS = "request_id, session_id, node_id, escalated_at, expires_at,"
            + " CASE WHEN expires_at < CURRENT_TIMESTAMP THEN 1 ELSE 0 END AS expired";

    private final DataSource dataSource;

    /** @param dataSource the ledger's database, already migrated */
    Escalations(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Records an escalated request (again, after a take-over: the row then names the new node), and deletes the rows
     * whose time to live passed more than a day ago.
     *
     * @param requestId the request id, not blank
     * @param sessionId the waiting session, not blank
     * @param nodeId the escalating runner's node id
     * @param expiresAt when the dispatch stops waiting
     * @throws LedgerException when the database fails
     */
    public void record(String requestId, String sessionId, String nodeId, Instant expiresAt) {
        if (requestId == null || requestId.isBlank() || sessionId == null || sessionId.isBlank()) {
            throw new IllegalArgumentException("an escalation needs a request id and a session id");
        }
        OffsetDateTime expires = OffsetDateTime.ofInstant(expiresAt, ZoneOffset.UTC);
        try (Connection connection = dataSource.getConnection()) {
            execute(connection, "DELETE FROM escalations WHERE expires_at < CURRENT_TIMESTAMP - INTERVAL '1' DAY");
            int updated = execute(connection, "UPDATE escalations SET session_id = ?, node_id = ?, escalated_at = CURRENT_TIMESTAMP,"
                    + " expires_at = ? WHERE request_id = ?", sessionId, nodeId, expires, requestId);
            if (updated == 0) {
                execute(connection, "INSERT INTO escalations (request_id, session_id, node_id, escalated_at, expires_at)"
                        + " VALUES (?, ?, ?, CURRENT_TIMESTAMP, ?)", requestId, sessionId, nodeId, expires);
            }
        } catch (SQLException failed) {
            throw new LedgerException("recording the escalation of request " + requestId + " failed: " + failed.getMessage(), failed);
        }
    }

    /**
     * @param requestId a request id
     * @return its escalation, if a runner recorded one (and it is not more than a day past its time to live)
     * @throws LedgerException when the database fails
     */
    public Optional<EscalationEntry> find(String requestId) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement("SELECT " + COLUMNS + " FROM escalations WHERE request_id = ?")) {
            query.setString(1, requestId);
            try (ResultSet rows = query.executeQuery()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                return Optional.of(new EscalationEntry(rows.getString("request_id"), rows.getString("session_id"),
                        rows.getString("node_id"), instant(rows, "escalated_at"), instant(rows, "expires_at"),
                        rows.getInt("expired") == 1));
            }
        } catch (SQLException failed) {
            throw new LedgerException("reading the escalation of request " + requestId + " failed: " + failed.getMessage(), failed);
        }
    }

    private static int execute(Connection connection, String sql, Object... values) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int index = 0; index < values.length; index++) {
                statement.setObject(index + 1, values[index]);
            }
            return statement.executeUpdate();
        }
    }

    private static Instant instant(ResultSet row, String column) throws SQLException {
        OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
