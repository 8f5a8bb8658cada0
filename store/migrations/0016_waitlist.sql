-- Waitlist (候补) for full dates: one row per citizen's request for an
-- office, business and date (and optionally one period). The oldest
-- waiting row matching a freed place gets it as an offer: a hold in
-- bookings (offer_booking_id) for booking.waitlist_offer_ttl.

CREATE TABLE waitlist (
    id               INTEGER PRIMARY KEY,             -- FIFO order
    citizen_id       INTEGER NOT NULL REFERENCES citizens (id),
    business         TEXT    NOT NULL,
    office           TEXT    NOT NULL,
    date             TEXT    NOT NULL,
    start_time       TEXT    NOT NULL DEFAULT '',     -- '' = any period
    status           TEXT    NOT NULL CHECK (status IN
                         ('waiting', 'offered', 'accepted', 'left', 'expired', 'ended')),
    offer_booking_id INTEGER NOT NULL DEFAULT 0,
    offer_expires_at INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL,
    ended_at         INTEGER NOT NULL DEFAULT 0,
    channel          TEXT    NOT NULL DEFAULT ''
) STRICT;
-- At most one live entry per citizen and business (SPEC §2.14).
CREATE UNIQUE INDEX waitlist_one_live ON waitlist (citizen_id, business)
    WHERE status IN ('waiting', 'offered');
CREATE INDEX waitlist_queue ON waitlist (business, office, date, status, id);
CREATE INDEX waitlist_offer ON waitlist (offer_booking_id) WHERE offer_booking_id > 0;
