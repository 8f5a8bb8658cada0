-- Codes to numbers that never passed a code count against a global hourly
-- budget (sms.unverified_per_hour) against SMS pumping: each code row records
-- whether its number was unknown when the code was sent.
ALTER TABLE sms_codes ADD COLUMN unverified INTEGER NOT NULL DEFAULT 0 CHECK (unverified IN (0, 1));
CREATE INDEX sms_codes_unverified ON sms_codes (created_at) WHERE unverified = 1;
