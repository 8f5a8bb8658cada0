-- Scheduled job fires (mirrors store/migrations/0004_jobs.sql): the (job,
-- fire time) primary key is the claim, so every node's scheduler may try
-- and each fire runs once.
CREATE TABLE job_runs (
    job         TEXT   NOT NULL,
    fire_at     BIGINT NOT NULL,
    claimed_by  TEXT   NOT NULL,
    started_at  BIGINT NOT NULL,
    finished_at BIGINT NOT NULL DEFAULT 0,
    result      TEXT   NOT NULL DEFAULT '',
    error       TEXT   NOT NULL DEFAULT '',
    PRIMARY KEY (job, fire_at)
);
