-- Mirrors store/migrations/0011_accounts.sql: password accounts on the
-- citizen record, login tokens found by their SHA-256.
CREATE TABLE citizen_accounts (
    citizen_id    BIGINT  PRIMARY KEY REFERENCES citizens (id),
    password_hash BYTEA   NOT NULL,
    failures      INTEGER NOT NULL DEFAULT 0,
    locked_until  BIGINT  NOT NULL DEFAULT 0,
    updated_at    BIGINT  NOT NULL
);

CREATE TABLE citizen_tokens (
    token_hash BYTEA  PRIMARY KEY,
    citizen_id BIGINT NOT NULL REFERENCES citizens (id),
    channel    TEXT   NOT NULL CHECK (channel IN ('web', 'app')),
    csrf       TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX citizen_tokens_citizen ON citizen_tokens (citizen_id, revoked_at);
