-- Mirrors store/migrations/0012_production_mark.sql: set when serve first
-- starts in production mode; development mode is refused afterwards.
CREATE TABLE production_mark (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    first_at BIGINT NOT NULL,
    last_at  BIGINT NOT NULL
);
