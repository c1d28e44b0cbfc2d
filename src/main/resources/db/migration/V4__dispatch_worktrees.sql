-- The git worktree an attempt works in (workspace: worktree; README "Workspaces"), recorded when the attempt begins, so
-- that a runner that re-attaches to the session after a crash or a take-over resumes in that worktree, with the agent's
-- edits so far, instead of a fresh one; and so that the sweep of a restarted runner keeps it. Portable SQL: H2 2.x and
-- PostgreSQL 15.
ALTER TABLE dispatches ADD COLUMN worktree_directory VARCHAR(1024);
ALTER TABLE dispatches ADD COLUMN worktree_branch VARCHAR(512);
ALTER TABLE dispatches ADD COLUMN worktree_base VARCHAR(64);
