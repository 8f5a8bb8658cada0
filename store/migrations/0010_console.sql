-- Console: sessions end after idle time and carry server-side state (flash
-- messages, why a citizen is being looked at); citizen pages are reached by
-- an opaque handle, never the sequence id; login attempts are reserved
-- before the password is checked so parallel guesses all count.
ALTER TABLE operator_sessions ADD COLUMN seen_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE operator_sessions ADD COLUMN data TEXT NOT NULL DEFAULT '{}';

CREATE TABLE citizen_handles (
    handle     TEXT    PRIMARY KEY,          -- random, URL-safe
    citizen_id INTEGER NOT NULL UNIQUE REFERENCES citizens (id) ON DELETE CASCADE
) STRICT;

ALTER TABLE login_failures ADD COLUMN attempt TEXT NOT NULL DEFAULT '';
CREATE INDEX login_failures_at ON login_failures (at);
CREATE INDEX audit_action ON audit (action, at);
CREATE INDEX audit_actor ON audit (actor, at);
