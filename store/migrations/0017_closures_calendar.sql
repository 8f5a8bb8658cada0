-- Running the offices from the console (issue 25): office managers, office
-- closures with a notice to every affected citizen, and the working-day
-- calendar and capacity changes kept in the database (the catalog YAML is
-- the seed, the database the truth).

-- A `manager` role, scoped to one office like a clerk. SQLite cannot change
-- a CHECK in place, so operators is rebuilt; sessions reference it and are
-- ended first (everyone logs in again after this upgrade).
DELETE FROM operator_sessions;
CREATE TABLE operators_new (
    id                   INTEGER PRIMARY KEY,
    name                 TEXT    NOT NULL UNIQUE,
    role                 TEXT    NOT NULL CHECK (role IN ('operator', 'clerk', 'admin', 'manager')),
    office               TEXT    NOT NULL DEFAULT '',  -- a clerk's or manager's office
    password_hash        BLOB    NOT NULL,             -- bcrypt
    active               INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at           INTEGER NOT NULL,
    must_change_password INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1)),
    updated_at           INTEGER NOT NULL DEFAULT 0
) STRICT;
INSERT INTO operators_new (id, name, role, office, password_hash, active, created_at, must_change_password, updated_at)
    SELECT id, name, role, office, password_hash, active, created_at, must_change_password, updated_at FROM operators;
DROP TABLE operators;
ALTER TABLE operators_new RENAME TO operators;

-- A closure: one date, one or more offices (closed_slots), a reason class the
-- SMS names, and what happens to the bookings: cancelled or moved.
CREATE TABLE closures (
    id           INTEGER PRIMARY KEY,
    date         TEXT    NOT NULL,
    reason_class TEXT    NOT NULL,
    note         TEXT    NOT NULL DEFAULT '',
    action       TEXT    NOT NULL CHECK (action IN ('cancel', 'move')),
    created_by   TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    reopened_at  INTEGER NOT NULL DEFAULT 0,
    reopened_by  TEXT    NOT NULL DEFAULT ''
) STRICT;

-- What a closure closes: an office's whole day (start_time '') or periods.
CREATE TABLE closed_slots (
    closure_id INTEGER NOT NULL REFERENCES closures (id),
    office     TEXT    NOT NULL,
    date       TEXT    NOT NULL,
    start_time TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (closure_id, office, start_time)
) STRICT;
CREATE INDEX closed_slots_office_date ON closed_slots (office, date);

-- One row per booking a closure touched and the SMS that told its citizen.
CREATE TABLE closure_notices (
    closure_id INTEGER NOT NULL REFERENCES closures (id),
    booking_id INTEGER NOT NULL,
    outbox_id  INTEGER NOT NULL,
    outcome    TEXT    NOT NULL CHECK (outcome IN ('cancelled', 'moved')),
    PRIMARY KEY (closure_id, booking_id)
) STRICT;

-- The working-day calendar: holidays and make-up working days (调休). A year
-- listed in calendar_years is never seeded again from the catalog file.
CREATE TABLE calendar_days (
    date TEXT NOT NULL PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE TABLE calendar_years (
    year      INTEGER PRIMARY KEY,
    source    TEXT    NOT NULL,  -- catalog, file or console
    loaded_at INTEGER NOT NULL
) STRICT;

-- A period's capacity changed for a date range (business '' = every
-- business of the office); the latest change covering a place wins.
CREATE TABLE capacity_changes (
    id         INTEGER PRIMARY KEY,
    office     TEXT    NOT NULL,
    business   TEXT    NOT NULL DEFAULT '',
    start_time TEXT    NOT NULL,
    date_from  TEXT    NOT NULL,
    date_to    TEXT    NOT NULL,
    capacity   INTEGER NOT NULL CHECK (capacity >= 0),
    created_by TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (office, business, start_time, date_from, date_to)
) STRICT;

-- Bumped by every calendar or capacity change, so each node notices a
-- change made on another before it answers its next request.
CREATE TABLE catalog_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
) STRICT;
INSERT INTO catalog_version (id, version) VALUES (1, 0);
