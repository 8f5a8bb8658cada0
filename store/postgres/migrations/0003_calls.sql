-- Voice calls (mirrors store/migrations/0003_calls.sql): one row per CallSid
-- with the IVR's current step and sequence; the seq is the compare-and-set
-- that serialises a call's webhooks across nodes.
CREATE TABLE call_sessions (
    call_sid       TEXT PRIMARY KEY,
    from_phone     TEXT    NOT NULL,
    step           TEXT    NOT NULL,
    seq            INTEGER NOT NULL,
    data           BYTEA   NOT NULL,             -- IVR state; any ID number in it is sealed
    context        TEXT    NOT NULL DEFAULT '',  -- masked summary for the operator console
    created_at     BIGINT  NOT NULL,
    updated_at     BIGINT  NOT NULL,
    ended_at       BIGINT  NOT NULL DEFAULT 0,
    transferred_at BIGINT  NOT NULL DEFAULT 0
);
CREATE INDEX call_sessions_transferred ON call_sessions (transferred_at) WHERE transferred_at > 0;
CREATE INDEX call_sessions_updated ON call_sessions (updated_at);
