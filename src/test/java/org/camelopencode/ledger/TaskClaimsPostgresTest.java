package org.camelopencode.ledger;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The claim tests on a real PostgreSQL (a throw-away server from the machine's binaries, a fresh database per test). */
class TaskClaimsPostgresTest extends TaskClaimsTest {

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static TemporaryPostgres postgres;

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = TemporaryPostgres.startOrSkip();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Override
    LedgerSettings settings() throws Exception {
        return new LedgerSettings(postgres.createDatabase("claims_" + DATABASES.incrementAndGet()), postgres.user(), "");
    }
}
