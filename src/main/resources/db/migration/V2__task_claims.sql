-- Issue 16 (README "Running several runners"): a task key runs in at most one place across all runners.
-- task_claims: the task key is the primary key, so a claim is a plain INSERT (a unique violation, SQLState 23505
-- on H2 2.x and PostgreSQL, means somebody holds it); a take-over is a conditional UPDATE on an expired lease.
-- Lease times are the database's clock (CURRENT_TIMESTAMP). Portable SQL: H2 2.x and PostgreSQL 15.
CREATE TABLE task_claims (
    task_key     VARCHAR(512) NOT NULL PRIMARY KEY,
    owner        VARCHAR(256) NOT NULL,
    claimed_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    lease_until  TIMESTAMP WITH TIME ZONE NOT NULL,
    takeovers    INTEGER      NOT NULL,
    task_name    VARCHAR(512),
    trigger_name VARCHAR(64),
    task_body    TEXT
);

CREATE INDEX task_claims_owner ON task_claims (owner);
CREATE INDEX task_claims_lease_until ON task_claims (lease_until);

-- One row per runner (node id) for the cluster view: when it started, its heartbeat and its lease.
CREATE TABLE cluster_nodes (
    node_id      VARCHAR(256) NOT NULL PRIMARY KEY,
    started_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    last_renewal TIMESTAMP WITH TIME ZONE NOT NULL,
    renewals     BIGINT       NOT NULL,
    lease_until  TIMESTAMP WITH TIME ZONE NOT NULL
);
