-- Voice calls: one row per CallSid with the IVR's current step and sequence.
CREATE TABLE call_sessions (
    call_sid       TEXT PRIMARY KEY,
    from_phone     TEXT    NOT NULL,
    step           TEXT    NOT NULL,
    seq            INTEGER NOT NULL,
    data           BLOB    NOT NULL,             -- IVR state; any ID number in it is sealed
    context        TEXT    NOT NULL DEFAULT '',  -- masked summary for the operator console
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    ended_at       INTEGER NOT NULL DEFAULT 0,
    transferred_at INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX call_sessions_transferred ON call_sessions (transferred_at) WHERE transferred_at > 0;
CREATE INDEX call_sessions_updated ON call_sessions (updated_at);
