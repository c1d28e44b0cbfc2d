package org.camelopencode.ledger;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcConnectionPool;

/**
 * Where the ledger lives: a JDBC URL and its credentials ({@code opencode.ledger.url}, {@code .username},
 * {@code .password}). The password never appears in {@link #toString()}.
 *
 * @param url the JDBC URL, for example {@value #DEFAULT_URL} or {@code jdbc:postgresql://127.0.0.1:5432/opencode}
 * @param username the database user, or {@code null}
 * @param password the database password, or {@code null}; secret
 */
public record LedgerSettings(String url, String username, String password) {

    /** The default: an embedded H2 file database under {@code ./work/ledger} (one process at a time). */
    public static final String DEFAULT_URL = "jdbc:h2:file:./work/ledger/ledger;AUTO_SERVER=FALSE";

    /** Validates the URL. */
    public LedgerSettings {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("the ledger needs a JDBC URL (opencode.ledger.url)");
        }
        url = url.strip();
        if (!url.startsWith("jdbc:")) {
            throw new IllegalArgumentException("opencode.ledger.url must be a JDBC URL (jdbc:...), was " + url);
        }
        username = username == null || username.isBlank() ? null : username;
        password = password == null || password.isEmpty() ? null : password;
    }

    /** @return whether the URL is an H2 database */
    public boolean isH2() {
        return url.startsWith("jdbc:h2:");
    }

    /**
     * @return a data source: an H2 connection pool (keeps the embedded database open between statements), else a
     *     HikariCP pool (at most 8 connections; a claim per task must not open a connection each time) over any JDBC
     *     driver on the class path; close either to release the database
     */
    DataSource dataSource() {
        if (isH2()) {
            return JdbcConnectionPool.create(url, username == null ? "" : username, password == null ? "" : password);
        }
        HikariConfig pool = new HikariConfig();
        pool.setPoolName("opencode-ledger");
        pool.setJdbcUrl(url);
        pool.setUsername(username);
        pool.setPassword(password);
        pool.setMaximumPoolSize(8);
        pool.setMinimumIdle(1);
        pool.setConnectionTimeout(10_000);
        return new HikariDataSource(pool);
    }

    @Override
    public String toString() {
        return "LedgerSettings[url=" + url + ", username=" + username + ", password=" + (password == null ? "none" : "***") + "]";
    }
}
