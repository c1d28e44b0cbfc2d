package org.camelopencode.ledger;


/**
 * {@link ApprovalRoutingTest} on a real PostgreSQL (the machine's binaries, a throw-away server): the
 * {@code escalations} migration, its upsert and expiry by the database's clock, and the session lookup.
 */
class ApprovalRoutingPostgresTest extends ApprovalRoutingTest {

    @org.junit.jupiter.api.extension.RegisterExtension
    static final TemporaryPostgres.PerClass POSTGRES = new TemporaryPostgres.PerClass();

    @Override
    LedgerSettings settings() throws Exception {
        return new LedgerSettings(POSTGRES.server().createDatabase("approvals"), POSTGRES.server().user(), "s3cret");
    }
}
