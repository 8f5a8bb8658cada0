-- Call journeys and the dashboard: one row per saved step of a call, written
-- in the step's own transaction. Keys entered at the ID number, phone number
-- and code steps are masked before they are stored (never raw ID digits or
-- codes); speech is never stored. The first row (seq 1, kind 'start') carries
-- the masked calling number the console searches by. Rows live for
-- retention.calls and are deleted by purge, a call's rows together.
CREATE TABLE call_events (
    call_sid  TEXT    NOT NULL,
    seq       INTEGER NOT NULL,             -- the call's seq after this step
    at        INTEGER NOT NULL,
    kind      TEXT    NOT NULL CHECK (kind IN ('start', 'input', 'transfer', 'end')),
    channel   TEXT    NOT NULL DEFAULT '',  -- ivr (Twilio) or sip
    caller    TEXT    NOT NULL DEFAULT '',  -- masked calling number, start rows only
    from_step TEXT    NOT NULL DEFAULT '',
    step      TEXT    NOT NULL,             -- where the call is after this row
    keys      TEXT    NOT NULL DEFAULT '',  -- keys pressed, masked at the sensitive steps
    sms       TEXT    NOT NULL DEFAULT '',  -- kinds of the SMS queued by this step
    detail    TEXT    NOT NULL DEFAULT '',  -- e.g. a transfer's outcome
    PRIMARY KEY (call_sid, seq)
) STRICT;
CREATE INDEX call_events_start ON call_events (at) WHERE seq = 1;

-- Which provider took (or refused) each message, for the dashboard's SMS
-- figures; '' until a send was attempted.
ALTER TABLE outbox ADD COLUMN provider TEXT NOT NULL DEFAULT '';
CREATE INDEX outbox_created ON outbox (created_at);
