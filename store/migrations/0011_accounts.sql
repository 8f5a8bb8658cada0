-- Web and app channel: password accounts on the citizen record, and login
-- tokens found by their SHA-256, never the token itself.
CREATE TABLE citizen_accounts (
    citizen_id    INTEGER PRIMARY KEY REFERENCES citizens (id),
    password_hash BLOB    NOT NULL,             -- bcrypt
    failures      INTEGER NOT NULL DEFAULT 0,   -- wrong passwords in a row
    locked_until  INTEGER NOT NULL DEFAULT 0,
    updated_at    INTEGER NOT NULL
) STRICT;

CREATE TABLE citizen_tokens (
    token_hash BLOB PRIMARY KEY,
    citizen_id INTEGER NOT NULL REFERENCES citizens (id),
    channel    TEXT    NOT NULL CHECK (channel IN ('web', 'app')),
    csrf       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX citizen_tokens_citizen ON citizen_tokens (citizen_id, revoked_at);
