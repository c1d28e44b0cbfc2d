-- Issue 16 item 3 (README "Running several runners", "Interruptions"): each request a runner escalated to the
-- approval queue, by its OpenCode request id, so an approval read by any runner of the cluster finds the session
-- that waits; the session's running dispatch entry and its task claim then say which runner owns it now.
-- Times are the database's clock where they are compared (CURRENT_TIMESTAMP). Portable SQL: H2 2.x and PostgreSQL 15.
CREATE TABLE escalations (
    request_id   VARCHAR(128) NOT NULL PRIMARY KEY,
    session_id   VARCHAR(128) NOT NULL,
    node_id      VARCHAR(256) NOT NULL,
    escalated_at TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at   TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE INDEX escalations_expires_at ON escalations (expires_at);

-- An approval's session -> its latest dispatch entry (ApprovalRouting).
CREATE INDEX dispatches_session_id ON dispatches (session_id);
