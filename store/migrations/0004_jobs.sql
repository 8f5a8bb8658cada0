-- Scheduled job fires: the (job, fire time) primary key is the claim, so
-- several processes on one database run each fire once.
CREATE TABLE job_runs (
    job         TEXT    NOT NULL,
    fire_at     INTEGER NOT NULL,
    claimed_by  TEXT    NOT NULL,
    started_at  INTEGER NOT NULL,
    finished_at INTEGER NOT NULL DEFAULT 0,
    result      TEXT    NOT NULL DEFAULT '',
    error       TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (job, fire_at)
) STRICT;
