-- The newest message of a continued session (a task's sessionId, or its fork) before the attempt's own prompt, recorded
-- with the session before that prompt is sent. A runner that re-attaches after a crash or a take-over judges only the
-- messages after it (never the earlier turn's reply), and prompts the session when nothing came after it (the prompt
-- never reached the server). NULL for a new session, or an empty one. Portable SQL: H2 2.x and PostgreSQL 15.
ALTER TABLE dispatches ADD COLUMN judged_after VARCHAR(128);
