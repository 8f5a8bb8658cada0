-- Mirrors store/migrations/0022_site_messages_booking_handles.sql: the
-- site's next-page messages server-side, opaque console booking handles.
CREATE TABLE site_messages (
    browser    BYTEA  PRIMARY KEY,
    message    TEXT   NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX site_messages_created ON site_messages (created_at);

CREATE TABLE booking_handles (
    handle     TEXT   PRIMARY KEY,
    booking_id BIGINT NOT NULL UNIQUE REFERENCES bookings (id) ON DELETE CASCADE
);
