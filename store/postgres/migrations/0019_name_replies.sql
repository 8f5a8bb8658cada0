-- Mirrors store/migrations/0019_name_replies.sql: names confirmed in
-- writing for SIP calls (an SMS reply "XM 张三"), one row per phone.
CREATE TABLE name_replies (
    phone      TEXT   PRIMARY KEY,
    name       TEXT   NOT NULL DEFAULT '',
    asked_at   BIGINT NOT NULL,
    replied_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX name_replies_asked ON name_replies (asked_at);
