-- Provider limits the SMS channel must remember: numbers Aliyun refused for
-- the hour or the day (the citizen is told on their next request), and, for
-- Twilio's China rules, what was sent to each +86 number in the last day
-- (a hash of the body only, never the text).

CREATE TABLE sms_phone_blocks (
    phone TEXT    PRIMARY KEY,
    level TEXT    NOT NULL CHECK (level IN ('hour', 'day')),
    until INTEGER NOT NULL
) STRICT;

CREATE TABLE sms_recent_sends (
    id        INTEGER PRIMARY KEY,
    to_phone  TEXT    NOT NULL,
    body_hash BLOB    NOT NULL,   -- SHA-256 of the body
    sent_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX sms_recent_sends_to ON sms_recent_sends (to_phone, sent_at);
CREATE INDEX sms_recent_sends_at ON sms_recent_sends (sent_at);
