-- Set when `yuyue serve` first starts in production mode: development mode
-- (codes readable in /dev/inbox, a throwaway key) is refused on a database
-- that has ever held real callers.
CREATE TABLE production_mark (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    first_at INTEGER NOT NULL,
    last_at  INTEGER NOT NULL
) STRICT;
