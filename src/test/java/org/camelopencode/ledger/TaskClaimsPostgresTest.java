package org.camelopencode.ledger;

import java.util.concurrent.atomic.AtomicInteger;

/** The claim tests on a real PostgreSQL (a throw-away server from the machine's binaries, a fresh database per test). */
class TaskClaimsPostgresTest extends TaskClaimsTest {

    private static final AtomicInteger DATABASES = new AtomicInteger();
    @org.junit.jupiter.api.extension.RegisterExtension
    static final TemporaryPostgres.PerClass POSTGRES = new TemporaryPostgres.PerClass();

    @Override
    LedgerSettings settings() throws Exception {
        return new LedgerSettings(POSTGRES.server().createDatabase("claims_" + DATABASES.incrementAndGet()), POSTGRES.server().user(), "");
    }
}
