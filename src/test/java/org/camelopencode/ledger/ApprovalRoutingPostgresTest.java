package org.camelopencode.ledger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link ApprovalRoutingTest} on a real PostgreSQL (the machine's binaries, a throw-away server): the
 * {@code escalations} migration, its upsert and expiry by the database's clock, and the session lookup.
 */
class ApprovalRoutingPostgresTest extends ApprovalRoutingTest {

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
        return new LedgerSettings(postgres.createDatabase("approvals"), postgres.user(), "s3cret");
    }
}
