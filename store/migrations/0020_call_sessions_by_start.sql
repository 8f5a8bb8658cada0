-- Call sessions abandoned without an end are purged by when the call began
-- (created_at), no longer by its last step (updated_at). Every step changes
-- updated_at, so an index on it made every session save rewrite the row's
-- entries in all of the table's indexes; on PostgreSQL those index writes
-- landed on pages other nodes' serializable transactions had read, and were
-- most of the conflicts that made PostgreSQL give transactions up. No call
-- lasts a day, and the purge keeps abandoned sessions a day past
-- retention.calls, so it removes the same rows.
DROP INDEX call_sessions_updated;
CREATE INDEX call_sessions_created ON call_sessions (created_at);
