-- Mirrors store/migrations/0021_waitlist_citizen.sql: a citizen's waitlist
-- entries through an index that needs no status. A serializable reader of
-- one citizen's entries then also locks that citizen's index range, not
-- every entry of the business.
CREATE INDEX waitlist_citizen ON waitlist (citizen_id, business);
