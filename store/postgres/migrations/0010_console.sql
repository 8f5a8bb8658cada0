-- Mirrors store/migrations/0010_console.sql: idle-timed sessions with
-- server-side state, opaque citizen handles, login attempts reserved before
-- the password is checked.
ALTER TABLE operator_sessions ADD COLUMN seen_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE operator_sessions ADD COLUMN data TEXT NOT NULL DEFAULT '{}';

CREATE TABLE citizen_handles (
    handle     TEXT   PRIMARY KEY,
    citizen_id BIGINT NOT NULL UNIQUE REFERENCES citizens (id) ON DELETE CASCADE
);

ALTER TABLE login_failures ADD COLUMN attempt TEXT NOT NULL DEFAULT '';
CREATE INDEX login_failures_at ON login_failures (at);
CREATE INDEX audit_action ON audit (action, at);
CREATE INDEX audit_actor ON audit (actor, at);
