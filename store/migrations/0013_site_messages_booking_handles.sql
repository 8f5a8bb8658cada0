-- The citizen site keeps the message for a browser's next page here (keyed
-- by the SHA-256 of its browser cookie), never in a URL; console booking
-- pages are reached by an opaque handle, never the sequence id.
CREATE TABLE site_messages (
    browser    BLOB    PRIMARY KEY,
    message    TEXT    NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX site_messages_created ON site_messages (created_at);

CREATE TABLE booking_handles (
    handle     TEXT    PRIMARY KEY,          -- random, URL-safe
    booking_id INTEGER NOT NULL UNIQUE REFERENCES bookings (id) ON DELETE CASCADE
) STRICT;
