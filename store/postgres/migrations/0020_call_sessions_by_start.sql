-- Mirrors store/migrations/0020_call_sessions_by_start.sql: abandoned call
-- sessions are purged by created_at, so that a step's session save changes
-- no indexed column. PostgreSQL can then update the row in place (a HOT
-- update: no new index entries), and the free space left on each page
-- (fillfactor) gives it room to.
DROP INDEX call_sessions_updated;
CREATE INDEX call_sessions_created ON call_sessions (created_at);
ALTER TABLE call_sessions SET (fillfactor = 70);
