-- Names confirmed in writing for calls over the SIP trunk: the phone being
-- verified is asked for (or told) the name, and an SMS reply "XM 张三" sets
-- or corrects it until the booking is confirmed. One row per phone; rows
-- older than an hour are dropped as new ones are written.

CREATE TABLE name_replies (
    phone      TEXT    PRIMARY KEY,
    name       TEXT    NOT NULL DEFAULT '',
    asked_at   INTEGER NOT NULL,
    replied_at INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX name_replies_asked ON name_replies (asked_at);
