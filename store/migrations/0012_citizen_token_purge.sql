-- The purge job deletes citizen login tokens once expired or revoked (they
-- open nothing any more, and name a citizen); this index finds them.
CREATE INDEX citizen_tokens_dead ON citizen_tokens (expires_at, revoked_at);
