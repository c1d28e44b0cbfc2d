package org.camelopencode.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The same ledger tests on a real PostgreSQL (Flyway migrates it; the driver and Flyway's PostgreSQL
 * module ship with the runner), run where PostgreSQL is installed: a throw-away server from the
 * machine's binaries, a fresh database per test.
 */
class DispatchLedgerPostgresTest extends DispatchLedgerTest {

    private static final AtomicInteger DATABASES = new AtomicInteger();
    @org.junit.jupiter.api.extension.RegisterExtension
    static final TemporaryPostgres.PerClass POSTGRES = new TemporaryPostgres.PerClass();
    private String lastUrl;

    @Override
    LedgerSettings settings() throws Exception {
        if (lastUrl == null) {
            lastUrl = POSTGRES.server().createDatabase("ledger_" + DATABASES.incrementAndGet());
        }
        return new LedgerSettings(lastUrl, POSTGRES.server().user(), "s3cret");
    }

    @Override
    void assertStoredDurably() {
        try (Connection connection = DriverManager.getConnection(lastUrl, POSTGRES.server().user(), "");
                ResultSet versions = connection.createStatement().executeQuery(
                        "SELECT version FROM flyway_schema_history WHERE success ORDER BY installed_rank")) {
            assertThat(versions.next()).as("Flyway recorded the migration").isTrue();
            assertThat(versions.getString(1)).isEqualTo("1");
        } catch (java.sql.SQLException failure) {
            throw new AssertionError(failure);
        }
    }
}
