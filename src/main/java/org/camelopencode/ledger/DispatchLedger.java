package org.camelopencode.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.camelopencode.agent.TokenUsage;
import org.camelopencode.dispatch.DispatchResult;
import org.camelopencode.failure.FailureKind;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable record of dispatch attempts (table {@code dispatches}, created and migrated by Flyway from
 * {@code classpath:db/migration}): which task (by its idempotency key) ran in which session on which server, and how it
 * ended. It lets a redelivered task be answered from its recorded result, and a task whose runner died be re-attached
 * to its session.
 *
 * <p>Plain JDBC, no Camel. Thread-safe. {@link #begin} only inserts: whether a task key already has a running entry is
 * the caller's question ({@link #findRunning}), asked before it begins. Errors of the database surface as
 * {@link LedgerException}.
 */
public final class DispatchLedger implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DispatchLedger.class);
    private static final int MAX_ERROR_MESSAGE = 4000;
    private static final String COLUMNS = "id, task_key, task_name, run_id, stage, attempt, server, session_id, status,"
            + " failure_kind, model, tokens_input, tokens_output, tokens_reasoning, cost, started_at, ended_at, result_json,"
            + " error_message, worktree_directory, worktree_branch, worktree_base, judged_after";

    private final DataSource dataSource;
    private final AutoCloseable closer;
    private final TaskClaims claims;
    private final Escalations escalations;

    /**
     * Uses a data source and migrates its schema.
     *
     * @param dataSource the database
     * @throws LedgerException when the migration fails
     */
    public DispatchLedger(DataSource dataSource) {
        this(dataSource, null);
    }

    private DispatchLedger(DataSource dataSource, AutoCloseable closer) {
        this.dataSource = dataSource;
        this.closer = closer;
        migrate();
        this.claims = new TaskClaims(dataSource);
        this.escalations = new Escalations(dataSource);
    }

    /** @return the requests escalated to the approval queue by the runners sharing this database, by request id */
    public Escalations escalations() {
        return escalations;
    }

    /** @return the claims of running task keys across runners sharing this database, and the runners' heartbeats */
    public TaskClaims claims() {
        return claims;
    }

    /**
     * Opens the database of the settings (an H2 file database creates its folder) and migrates its schema.
     *
     * @param settings the URL and credentials
     * @return the ledger; close it to release the database
     * @throws LedgerException when the database cannot be opened or migrated (the message names the URL, never the password)
     */
    public static DispatchLedger open(LedgerSettings settings) {
        DataSource source;
        try {
            source = settings.dataSource();
        } catch (RuntimeException unreachable) {
            throw new LedgerException("the ledger's database " + settings.url() + " could not be opened: " + unreachable.getMessage(),
                    unreachable);
        }
        AutoCloseable closer = source instanceof org.h2.jdbcx.JdbcConnectionPool pool ? pool::dispose
                : source instanceof AutoCloseable closeable ? closeable : null;
        try {
            DispatchLedger ledger = new DispatchLedger(source, closer);
            LOG.info("Dispatch ledger: {}", settings.url());
            return ledger;
        } catch (RuntimeException failed) {
            if (closer != null) {
                closeQuietly(closer);
            }
            throw failed;
        }
    }

    private void migrate() {
        try {
            Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        } catch (RuntimeException failed) {
            throw new LedgerException("the ledger's schema could not be migrated: " + failed.getMessage(), failed);
        }
    }

    /**
     * Records that an attempt begins. A running entry of the same key left by an earlier process is not touched: the
     * caller decides first (re-attach, or {@link #fail} it as lost).
     *
     * @param taskKey the task's idempotency key, not blank
     * @param taskName the task's name, or {@code null}
     * @param runId the run, or {@code null}
     * @param stage the stage, or {@code null}
     * @param attempt the attempt number, 1 for the first
     * @param model the model as {@code provider/model}, or {@code null}
     * @return the new entry's id
     * @throws LedgerException when the entry cannot be written
     */
    public long begin(String taskKey, String taskName, String runId, String stage, int attempt, String model) {
        return begin(taskKey, taskName, runId, stage, attempt, model, null);
    }

    /**
     * Records that an attempt begins in a git worktree ({@code workspace: worktree}), so that a re-attach after a crash
     * resumes there ({@link LedgerEntry#worktree()}); otherwise as {@link #begin(String, String, String, String, int, String)}.
     *
     * @param taskKey the task's idempotency key, not blank
     * @param taskName the task's name, or {@code null}
     * @param runId the run, or {@code null}
     * @param stage the stage, or {@code null}
     * @param attempt the attempt number, 1 for the first
     * @param model the model as {@code provider/model}, or {@code null}
     * @param worktree the attempt's worktree, or {@code null} when it works in no worktree of its own
     * @return the new entry's id
     * @throws LedgerException when the entry cannot be written
     */
    public synchronized long begin(String taskKey, String taskName, String runId, String stage, int attempt, String model,
            RecordedWorktree worktree) {
        if (taskKey == null || taskKey.isBlank()) {
            throw new IllegalArgumentException("a ledger entry needs a task key");
        }
        String sql = "INSERT INTO dispatches (task_key, task_name, run_id, stage, attempt, model, status, started_at,"
                + " worktree_directory, worktree_branch, worktree_base) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        try (Connection connection = dataSource.getConnection();
                PreparedStatement insert = connection.prepareStatement(sql, new String[] {"id"})) {
            bind(insert, taskKey, taskName, runId, stage, attempt, model, DispatchStatus.RUNNING.wireName(), now(),
                    worktree == null ? null : worktree.directory(), worktree == null ? null : worktree.branch(),
                    worktree == null ? null : worktree.base());
            insert.executeUpdate();
            try (ResultSet keys = insert.getGeneratedKeys()) {
                if (!keys.next()) {
                    throw new LedgerException("the database returned no id for the new ledger entry", null);
                }
                return keys.getLong(1);
            }
        } catch (SQLException failed) {
            throw new LedgerException("recording the start of task " + taskKey + " failed: " + failed.getMessage(), failed);
        }
    }

    /**
     * Records the session an attempt runs in, as soon as it exists.
     *
     * @param id the entry
     * @param server the fleet instance name or the server URL, without credentials
     * @param sessionId the session ({@code ses_...})
     */
    public void attachSession(long id, String server, String sessionId) {
        attachSession(id, server, sessionId, null);
    }

    /**
     * Records the session an attempt runs in, as soon as it exists, with the newest message of a continued session
     * before the attempt's prompt ({@link LedgerEntry#judgedAfter()}), in one statement.
     *
     * @param id the entry
     * @param server the fleet instance name or the server URL, without credentials
     * @param sessionId the session ({@code ses_...})
     * @param judgedAfter the message id ({@code msg_...}) a re-attach must not judge up to, or {@code null} when every
     *     message of the session is the attempt's
     */
    public void attachSession(long id, String server, String sessionId, String judgedAfter) {
        update("UPDATE dispatches SET server = ?, session_id = ?, judged_after = ? WHERE id = ?",
                "recording the session of entry " + id, server, sessionId, judgedAfter, id);
    }

    /**
     * Records a completed attempt with its result, tokens and cost.
     *
     * @param id the entry
     * @param result the gate's result
     */
    public void complete(long id, DispatchResult result) {
        TokenUsage tokens = result.tokens() == null ? TokenUsage.ZERO : result.tokens();
        update("UPDATE dispatches SET status = ?, session_id = COALESCE(session_id, ?), model = ?, tokens_input = ?,"
                        + " tokens_output = ?, tokens_reasoning = ?, cost = ?, ended_at = ?, result_json = ? WHERE id = ?",
                "recording the result of entry " + id, DispatchStatus.COMPLETED.wireName(), result.sessionId(), result.model(),
                tokens.input(), tokens.output(), tokens.reasoning(), result.cost(), now(), RecordedResults.toJson(result), id);
    }

    /**
     * Records a failed attempt.
     *
     * @param id the entry
     * @param kind the failure kind
     * @param message the failure's message (without secrets), or {@code null}; cut to 4000 characters
     * @param tokens tokens the attempt used, or {@code null}
     * @param cost cost the attempt used
     */
    public void fail(long id, FailureKind kind, String message, TokenUsage tokens, double cost) {
        TokenUsage used = tokens == null ? TokenUsage.ZERO : tokens;
        String shortMessage = message == null || message.length() <= MAX_ERROR_MESSAGE ? message
                : message.substring(0, MAX_ERROR_MESSAGE);
        update("UPDATE dispatches SET status = ?, failure_kind = ?, error_message = ?, tokens_input = ?, tokens_output = ?,"
                        + " tokens_reasoning = ?, cost = ?, ended_at = ? WHERE id = ?",
                "recording the failure of entry " + id, DispatchStatus.FAILED.wireName(), kind.wireName(), shortMessage,
                used.input(), used.output(), used.reasoning(), cost, now(), id);
    }

    /**
     * @param taskKey a task key
     * @return its latest completed entry (with its recorded result), if any
     */
    public Optional<LedgerEntry> findCompleted(String taskKey) {
        return first(select("WHERE task_key = ? AND status = ? ORDER BY id DESC", 1, taskKey,
                DispatchStatus.COMPLETED.wireName()));
    }

    /**
     * @param taskKey a task key
     * @return its latest running entry, if any (after a crash: the attempt the dead runner was watching)
     */
    public Optional<LedgerEntry> findRunning(String taskKey) {
        return first(select("WHERE task_key = ? AND status = ? ORDER BY id DESC", 1, taskKey,
                DispatchStatus.RUNNING.wireName()));
    }

    /**
     * @param sessionId an OpenCode session id
     * @return the latest entry that ran in it, if any (an approval's session: which task, still running or not)
     */
    public Optional<LedgerEntry> latestForSession(String sessionId) {
        return first(select("WHERE session_id = ? ORDER BY id DESC", 1, sessionId));
    }

    /**
     * @param id an entry id
     * @return that entry, if it exists
     */
    public Optional<LedgerEntry> find(long id) {
        return first(select("WHERE id = ?", 1, id));
    }

    /**
     * The finished attempts whose sessions may be deleted (session retention): completed or failed entries with a session
     * id that ended before {@code endedBefore}, leaving out every session a running entry still names (the ledger may
     * re-attach to it).
     *
     * @param endedBefore entries that ended at or after this instant are left out
     * @param limit the most entries to return
     * @return the entries, oldest first
     * @throws LedgerException when the database cannot be read
     */
    public List<LedgerEntry> finishedWithSessionBefore(Instant endedBefore, int limit) {
        String running = DispatchStatus.RUNNING.wireName();
        return select("WHERE status <> ? AND session_id IS NOT NULL AND ended_at < ? AND session_id NOT IN"
                        + " (SELECT session_id FROM dispatches WHERE status = ? AND session_id IS NOT NULL) ORDER BY id", limit,
                running, OffsetDateTime.ofInstant(endedBefore, ZoneOffset.UTC), running);
    }

    /** @return every running entry, oldest first (at start: what an earlier process left undecided) */
    public List<LedgerEntry> unfinished() {
        return select("WHERE status = ? ORDER BY id", Integer.MAX_VALUE, DispatchStatus.RUNNING.wireName());
    }

    /**
     * @param limit how many, at least 1
     * @return the latest entries, newest first
     */
    public List<LedgerEntry> recent(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        return select("ORDER BY id DESC", limit);
    }

    /**
     * @param taskKey a task key
     * @return every entry of that task, oldest first
     */
    public List<LedgerEntry> history(String taskKey) {
        return select("WHERE task_key = ? ORDER BY id", Integer.MAX_VALUE, taskKey);
    }

    /** Releases the database (an embedded H2 database closes with its last connection). */
    @Override
    public void close() {
        if (closer != null) {
            closeQuietly(closer);
        }
    }

    private void update(String sql, String what, Object... values) {
        try (Connection connection = dataSource.getConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, values);
            if (statement.executeUpdate() != 1) {
                throw new LedgerException(what + " failed: no such entry", null);
            }
        } catch (SQLException failed) {
            throw new LedgerException(what + " failed: " + failed.getMessage(), failed);
        }
    }

    private List<LedgerEntry> select(String where, int limit, Object... values) {
        String sql = "SELECT " + COLUMNS + " FROM dispatches " + where;
        try (Connection connection = dataSource.getConnection(); PreparedStatement query = connection.prepareStatement(sql)) {
            bind(query, values);
            query.setMaxRows(limit == Integer.MAX_VALUE ? 0 : limit);
            List<LedgerEntry> entries = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    entries.add(entry(rows));
                }
            }
            return entries;
        } catch (SQLException failed) {
            throw new LedgerException("reading the ledger failed: " + failed.getMessage(), failed);
        }
    }

    private static void bind(PreparedStatement statement, Object... values) throws SQLException {
        for (int index = 0; index < values.length; index++) {
            Object value = values[index];
            if (value == null) {
                statement.setNull(index + 1, Types.VARCHAR);
            } else {
                statement.setObject(index + 1, value);
            }
        }
    }

    private static LedgerEntry entry(ResultSet row) throws SQLException {
        String resultJson = row.getString("result_json");
        OffsetDateTime ended = row.getObject("ended_at", OffsetDateTime.class);
        return new LedgerEntry(row.getLong("id"), row.getString("task_key"), row.getString("task_name"), row.getString("run_id"),
                row.getString("stage"), row.getInt("attempt"), row.getString("server"), row.getString("session_id"),
                DispatchStatus.fromWireName(row.getString("status")), row.getString("failure_kind"), row.getString("model"),
                row.getLong("tokens_input"), row.getLong("tokens_output"), row.getLong("tokens_reasoning"), row.getDouble("cost"),
                row.getObject("started_at", OffsetDateTime.class).toInstant(), ended == null ? null : ended.toInstant(),
                resultJson == null ? null : RecordedResults.fromJson(resultJson), row.getString("error_message"),
                worktree(row.getString("worktree_directory"), row.getString("worktree_branch"), row.getString("worktree_base")),
                row.getString("judged_after"));
    }

    private static RecordedWorktree worktree(String directory, String branch, String base) {
        return directory == null || branch == null || base == null ? null : new RecordedWorktree(directory, branch, base);
    }

    private static Optional<LedgerEntry> first(List<LedgerEntry> entries) {
        return entries.isEmpty() ? Optional.empty() : Optional.of(entries.get(0));
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.ofInstant(Instant.now(), ZoneOffset.UTC);
    }

    private static void closeQuietly(AutoCloseable closer) {
        try {
            closer.close();
        } catch (Exception failure) {
            LOG.warn("Closing the ledger failed: {}", failure.getMessage());
        }
    }
}
