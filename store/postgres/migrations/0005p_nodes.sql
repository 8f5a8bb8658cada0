-- PostgreSQL only: several yuyue nodes share this database. Each node holds
-- a lease it renews; an outbox row in 'sending' names the node that claimed
-- it, so recovery after a crash touches only the rows of that node (or of a
-- node whose lease ran out), never another live node's in-flight sends.
CREATE TABLE nodes (
    id          TEXT   PRIMARY KEY,
    started_at  BIGINT NOT NULL,
    lease_until BIGINT NOT NULL
);

ALTER TABLE outbox ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';
CREATE INDEX outbox_sending ON outbox (claimed_by) WHERE status = 'sending';
