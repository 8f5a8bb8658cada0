-- A citizen's waitlist entries through an index that needs no status.
-- waitlist_one_live covers (citizen_id, business) only where status is
-- 'waiting' or 'offered', so a query may use it only when it spells those
-- statuses out. The purge's "has this citizen an entry" names no status
-- and read the whole waitlist for each citizen. The hold's one read and a
-- citizen's live entries bind their statuses, and every SQLite connection
-- now plans without looking at bound values (store/qpsg.go), so they would
-- read every entry of the business.
CREATE INDEX waitlist_citizen ON waitlist (citizen_id, business);
