-- Console accounts for 114 operators, office clerks and administrators.
CREATE TABLE operators (
    id            INTEGER PRIMARY KEY,
    name          TEXT    NOT NULL UNIQUE,
    role          TEXT    NOT NULL CHECK (role IN ('operator', 'clerk', 'admin')),
    office        TEXT    NOT NULL DEFAULT '',  -- a clerk's office
    password_hash BLOB    NOT NULL,             -- bcrypt
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at    INTEGER NOT NULL
) STRICT;

-- Sessions are found by the SHA-256 of the cookie token, never the token.
CREATE TABLE operator_sessions (
    token_hash  BLOB PRIMARY KEY,
    operator_id INTEGER NOT NULL REFERENCES operators (id),
    csrf        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE login_failures (
    key TEXT    NOT NULL,  -- an account name or ip:ADDRESS
    at  INTEGER NOT NULL
) STRICT;
CREATE INDEX login_failures_key ON login_failures (key, at);
