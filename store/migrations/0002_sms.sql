-- SMS channel: verification codes, inbound replies, the development inbox.

CREATE TABLE sms_codes (
    id         INTEGER PRIMARY KEY,
    phone      TEXT    NOT NULL,
    purpose    TEXT    NOT NULL,
    caller     TEXT    NOT NULL DEFAULT '',  -- the number that asked for it
    code_hash  BLOB    NOT NULL,             -- HMAC-SHA256, never the code
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    used_at    INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX sms_codes_phone ON sms_codes (phone, created_at);
CREATE INDEX sms_codes_caller ON sms_codes (caller, created_at);

-- One row per inbound MessageSid: a retried webhook gets the stored reply.
CREATE TABLE sms_inbound (
    message_sid TEXT PRIMARY KEY,
    from_phone  TEXT    NOT NULL,
    received_at INTEGER NOT NULL,
    reply       TEXT    NOT NULL DEFAULT ''
) STRICT;

-- Development mode only: what would have been sent.
CREATE TABLE dev_inbox (
    id         INTEGER PRIMARY KEY,
    to_phone   TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;
