-- Account management (mirrors store/migrations/0006_operator_accounts.sql):
-- a reset password must be changed at the next login, and changes are
-- dated for the audit trail.
ALTER TABLE operators ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0
    CHECK (must_change_password IN (0, 1));
ALTER TABLE operators ADD COLUMN updated_at BIGINT NOT NULL DEFAULT 0;
CREATE INDEX operator_sessions_operator ON operator_sessions (operator_id);
