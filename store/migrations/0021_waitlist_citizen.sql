-- A citizen's waitlist entries through an index that needs no status.
-- waitlist_one_live covers (citizen_id, business) only where status is
-- 'waiting' or 'offered', so a query may use it only when it spells those
-- statuses out. The hold's one read, a citizen's live entries and the
-- purge's "has this citizen an entry" bind their statuses or name none;
-- since every SQLite connection plans without looking at bound values
-- (store/qpsg.go), they read every entry of the business, or of the whole
-- waitlist, for each citizen.
CREATE INDEX waitlist_citizen ON waitlist (citizen_id, business);
