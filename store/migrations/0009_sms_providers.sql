-- SMS providers: Aliyun up-messages (上行) deduplicated by sequence_id,
-- delivery statuses that arrive before the send recorded the provider's id,
-- and the template rendering kept beside the text in the development inbox.

CREATE TABLE sms_up (
    sequence_id TEXT    PRIMARY KEY,          -- Aliyun's id: a re-push is the same row
    phone       TEXT    NOT NULL,
    content     TEXT    NOT NULL,
    dest_code   TEXT    NOT NULL DEFAULT '',
    send_time   TEXT    NOT NULL DEFAULT '',
    received_at INTEGER NOT NULL,
    claimed_at  INTEGER NOT NULL DEFAULT 0,   -- a handler is running its command
    handled_at  INTEGER NOT NULL DEFAULT 0    -- its command ran and the reply is queued
) STRICT;
CREATE INDEX sms_up_received ON sms_up (received_at);

-- A status or report for a provider id no outbox row holds yet: applied when
-- the send records that id.
CREATE TABLE sms_early_status (
    id          INTEGER PRIMARY KEY,
    sid         TEXT    NOT NULL,
    status      TEXT    NOT NULL,
    error_code  TEXT    NOT NULL DEFAULT '',
    received_at INTEGER NOT NULL
) STRICT;
CREATE INDEX sms_early_status_sid ON sms_early_status (sid);

ALTER TABLE dev_inbox ADD COLUMN template TEXT NOT NULL DEFAULT '';
ALTER TABLE dev_inbox ADD COLUMN template_params TEXT NOT NULL DEFAULT '';
