-- Core schema: citizens, places, bookings, verification, outbox, audit.
-- Times are INTEGER Unix milliseconds (0 = unset); dates are TEXT YYYY-MM-DD
-- in Asia/Shanghai. Rules that must hold under concurrency live here.

CREATE TABLE citizens (
    id            INTEGER PRIMARY KEY,
    name          TEXT    NOT NULL,
    id_hash       BLOB    NOT NULL,              -- HMAC-SHA256 of the ID number: lookup
    id_enc        BLOB    NOT NULL,              -- AES-256-GCM of the ID number
    id_masked     TEXT    NOT NULL,
    phone         TEXT    NOT NULL,              -- E.164
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    banned_until  INTEGER NOT NULL DEFAULT 0,
    strikes_since INTEGER NOT NULL DEFAULT 0,
    no_reminders  INTEGER NOT NULL DEFAULT 0 CHECK (no_reminders IN (0, 1)),
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
) STRICT;
-- One phone ↔ one ID among active registrations (SPEC §2.2).
CREATE UNIQUE INDEX citizens_id_active ON citizens (id_hash) WHERE active = 1;
CREATE UNIQUE INDEX citizens_phone_active ON citizens (phone) WHERE active = 1;

CREATE TABLE places (
    id         INTEGER PRIMARY KEY,
    office     TEXT    NOT NULL,
    business   TEXT    NOT NULL,
    date       TEXT    NOT NULL,
    start_time TEXT    NOT NULL,
    end_time   TEXT    NOT NULL,
    capacity   INTEGER NOT NULL CHECK (capacity >= 0),
    -- held + booked + void places; never more than capacity.
    taken      INTEGER NOT NULL DEFAULT 0 CHECK (taken >= 0 AND taken <= capacity),
    UNIQUE (office, business, date, start_time)
) STRICT;
CREATE INDEX places_business_date ON places (business, date);

CREATE TABLE bookings (
    id              INTEGER PRIMARY KEY,
    reference       TEXT UNIQUE,
    citizen_id      INTEGER NOT NULL REFERENCES citizens (id),
    place_id        INTEGER NOT NULL REFERENCES places (id),
    business        TEXT    NOT NULL,
    office          TEXT    NOT NULL,
    date            TEXT    NOT NULL,
    start_time      TEXT    NOT NULL,
    end_time        TEXT    NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN
                        ('held', 'booked', 'checked_in', 'completed', 'cancelled', 'expired', 'noshow')),
    hold_expires_at INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    confirmed_at    INTEGER NOT NULL DEFAULT 0,
    cancelled_at    INTEGER NOT NULL DEFAULT 0,
    checked_in_at   INTEGER NOT NULL DEFAULT 0,
    noshow_at       INTEGER NOT NULL DEFAULT 0,
    completed_at    INTEGER NOT NULL DEFAULT 0,
    queue_no        INTEGER NOT NULL DEFAULT 0,
    returned        INTEGER NOT NULL DEFAULT 0 CHECK (returned IN (0, 1)),
    attending       INTEGER NOT NULL DEFAULT 0 CHECK (attending IN (0, 1)),
    reminded_at     INTEGER NOT NULL DEFAULT 0,
    channel         TEXT    NOT NULL DEFAULT ''
) STRICT;
-- One active booking per citizen per business (SPEC §2.7), holds included.
CREATE UNIQUE INDEX bookings_one_active ON bookings (citizen_id, business)
    WHERE status IN ('held', 'booked', 'checked_in');
CREATE UNIQUE INDEX bookings_queue ON bookings (office, date, queue_no) WHERE queue_no > 0;
CREATE INDEX bookings_citizen ON bookings (citizen_id, date);
CREATE INDEX bookings_date_status ON bookings (date, status);
CREATE INDEX bookings_status_returned ON bookings (status, returned);

CREATE TABLE phone_verifications (
    phone          TEXT    NOT NULL,
    purpose        TEXT    NOT NULL,
    verified_until INTEGER NOT NULL,
    PRIMARY KEY (phone, purpose)
) STRICT;

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    to_phone        TEXT    NOT NULL,
    kind            TEXT    NOT NULL,
    params          TEXT    NOT NULL,            -- JSON; scrubbed after sending
    citizen_id      INTEGER NOT NULL DEFAULT 0,
    booking_id      INTEGER NOT NULL DEFAULT 0,
    status          TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN
                        ('pending', 'sending', 'sent', 'failed', 'unknown')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL DEFAULT 0,
    message_sid     TEXT UNIQUE,
    delivery_status TEXT    NOT NULL DEFAULT '',
    error_code      TEXT    NOT NULL DEFAULT '',
    last_error      TEXT    NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    sent_at         INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

CREATE TABLE audit (
    id         INTEGER PRIMARY KEY,
    at         INTEGER NOT NULL,
    actor      TEXT    NOT NULL,
    channel    TEXT    NOT NULL,
    action     TEXT    NOT NULL,
    citizen_id INTEGER NOT NULL DEFAULT 0,
    booking_id INTEGER NOT NULL DEFAULT 0,
    detail     TEXT    NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX audit_at ON audit (at);
CREATE INDEX audit_citizen ON audit (citizen_id);
