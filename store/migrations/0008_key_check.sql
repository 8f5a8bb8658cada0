-- The key check: a value derived from secret_key, written when the database
-- is first opened, so a different key stops start-up instead of failing
-- every ID-number lookup. checked_at is touched by the readiness probe to
-- prove the database takes writes.
CREATE TABLE key_check (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    value      BLOB    NOT NULL,
    created_at INTEGER NOT NULL,
    checked_at INTEGER NOT NULL DEFAULT 0
) STRICT;
