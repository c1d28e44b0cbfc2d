package org.camelopencode.ledger;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
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
     * @return a data source: an H2 connection pool (keeps the embedded database open between statements), else one
     *     that opens connections through {@link DriverManager}
     */
    DataSource dataSource() {
        if (isH2()) {
            return JdbcConnectionPool.create(url, username == null ? "" : username, password == null ? "" : password);
        }
        return new DriverManagerDataSource(url, username, password);
    }

    @Override
    public String toString() {
        return "LedgerSettings[url=" + url + ", username=" + username + ", password=" + (password == null ? "none" : "***") + "]";
    }

    /** The smallest data source over {@link DriverManager}: any JDBC driver on the class path. */
    private record DriverManagerDataSource(String url, String username, String password) implements DataSource {

        @Override
        public Connection getConnection() throws SQLException {
            return DriverManager.getConnection(url, username, password);
        }

        @Override
        public Connection getConnection(String otherUser, String otherPassword) throws SQLException {
            return DriverManager.getConnection(url, otherUser, otherPassword);
        }

        @Override
        public PrintWriter getLogWriter() {
            return DriverManager.getLogWriter();
        }

        @Override
        public void setLogWriter(PrintWriter out) {
            DriverManager.setLogWriter(out);
        }

        @Override
        public void setLoginTimeout(int seconds) {
            DriverManager.setLoginTimeout(seconds);
        }

        @Override
        public int getLoginTimeout() {
            return DriverManager.getLoginTimeout();
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> type) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> type) {
            return false;
        }

        @Override
        public String toString() {
            return "DriverManagerDataSource[" + url + "]";
        }
    }
}
