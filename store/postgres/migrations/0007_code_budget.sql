-- Mirrors store/migrations/0007_code_budget.sql: codes to numbers that never
-- passed a code count against a global hourly budget against SMS pumping.
ALTER TABLE sms_codes ADD COLUMN unverified INTEGER NOT NULL DEFAULT 0 CHECK (unverified IN (0, 1));
CREATE INDEX sms_codes_unverified ON sms_codes (created_at) WHERE unverified = 1;
