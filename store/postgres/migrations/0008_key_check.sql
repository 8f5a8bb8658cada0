-- Mirrors store/migrations/0008_key_check.sql: a value derived from
-- secret_key, so a node started with a different key stops at start-up.
CREATE TABLE key_check (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    value      BYTEA  NOT NULL,
    created_at BIGINT NOT NULL,
    checked_at BIGINT NOT NULL DEFAULT 0
);
