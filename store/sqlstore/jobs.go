package sqlstore

import (
	"strings"
	"time"

	"yuyue/booking"
)

func (t *Tx) ClaimFire(job string, fireAt time.Time, by string, now time.Time) (bool, error) {
	res, err := t.Exec(`INSERT INTO job_runs (job, fire_at, claimed_by, started_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		job, ms(fireAt), by, ms(now))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func (t *Tx) FinishFire(job string, fireAt time.Time, now time.Time, result, errText string) error {
	_, err := t.Exec(`UPDATE job_runs SET finished_at = ?, result = ?, error = ? WHERE job = ? AND fire_at = ?`,
		ms(now), result, errText, job, ms(fireAt))
	return err
}

// purgeableCitizens selects deregistered citizens with no booking left,
// last changed before its one argument.
const purgeableCitizens = `SELECT id FROM citizens WHERE active = 0 AND updated_at < ?
	AND NOT EXISTS (SELECT 1 FROM bookings b WHERE b.citizen_id = citizens.id)`

// purges are the deletions of the purge job; none touches an active
// booking, and no-shows that still count towards a ban are kept. Each
// picks its rows by key in a subquery, where {limit} bounds how many one
// transaction takes (PurgePolicy.Limit; the call journeys by call, so a
// journey goes whole).
var purges = []struct {
	name string
	sql  string
	args func(booking.PurgePolicy) []any
}{
	{"codes", `DELETE FROM sms_codes WHERE id IN (SELECT id FROM sms_codes WHERE expires_at < ?{limit})`,
		func(p booking.PurgePolicy) []any { return []any{ms(p.Now.Add(-24 * time.Hour))} }},
	// An expired verification grants nothing (PhoneVerified compares the
	// time) but marks a known number for the unverified-code budget, so it
	// stays as long as messages do.
	{"verifications", `DELETE FROM phone_verifications WHERE (phone, purpose) IN
		(SELECT phone, purpose FROM phone_verifications WHERE verified_until < ?{limit})`,
		func(p booking.PurgePolicy) []any { return []any{ms(p.MessagesBefore)} }},
	{"calls", `DELETE FROM call_sessions WHERE call_sid IN (SELECT call_sid FROM call_sessions
		WHERE (ended_at > 0 AND ended_at < ?) OR (ended_at = 0 AND created_at < ?){limit})`,
		func(p booking.PurgePolicy) []any {
			return []any{ms(p.CallsBefore), ms(p.CallsBefore.Add(-24 * time.Hour))}
		}},
	// A call's journey goes as a whole: every row of a call that started
	// before retention.calls.
	{"call_events", `DELETE FROM call_events WHERE call_sid IN (SELECT call_sid FROM call_events WHERE seq = 1 AND at < ?{limit})`,
		func(p booking.PurgePolicy) []any { return []any{ms(p.JourneysBefore)} }},
	{"bookings", `DELETE FROM bookings WHERE id IN (SELECT id FROM bookings
		WHERE status IN ('completed', 'cancelled', 'expired', 'noshow') AND date < ?
		AND returned = CASE WHEN status IN ('cancelled', 'expired') THEN 1 ELSE 0 END
		AND NOT (status = 'noshow' AND noshow_at >= ?){limit})`,
		func(p booking.PurgePolicy) []any {
			return []any{p.BookingsBefore.Format(time.DateOnly), ms(p.KeepNoShowsSince)}
		}},
	// A citizen's login token that expired or was revoked opens nothing
	// any more; it goes before the citizens it references.
	{"tokens", `DELETE FROM citizen_tokens WHERE token_hash IN (SELECT token_hash FROM citizen_tokens
		WHERE expires_at < ? OR (revoked_at > 0 AND revoked_at < ?){limit})`,
		func(p booking.PurgePolicy) []any { return []any{ms(p.Now), ms(p.Now)} }},
	// A deregistered citizen's web account and tokens go with them: they
	// reference the citizen, and one left behind would stop the whole purge
	// on the foreign key every night.
	// Their ended waitlist entries too (a live one keeps its citizen):
	// left behind, they stopped the whole purge on the foreign key.
	{"waitlist", `DELETE FROM waitlist WHERE id IN (SELECT id FROM waitlist
		WHERE status NOT IN ('waiting', 'offered') AND citizen_id IN (` + purgeableCitizens + `){limit})`,
		func(p booking.PurgePolicy) []any { return []any{ms(p.BookingsBefore)} }},
	{"accounts", `DELETE FROM citizen_accounts WHERE citizen_id IN (SELECT citizen_id FROM citizen_accounts
		WHERE citizen_id IN (` + purgeableCitizens + `){limit})`,
		func(p booking.PurgePolicy) []any { return []any{ms(p.BookingsBefore)} }},
	{"account_tokens", `DELETE FROM citizen_tokens WHERE token_hash IN (SELECT token_hash FROM citizen_tokens
		WHERE citizen_id IN (` + purgeableCitizens + `){limit})`,
		func(p booking.PurgePolicy) []any { return []any{ms(p.BookingsBefore)} }},
	// A citizen whose account, tokens or waitlist entries a bounded run
	// has not reached yet (or with a live entry) waits for the next run.
	{"citizens", `DELETE FROM citizens WHERE id IN (` + purgeableCitizens + `
		AND NOT EXISTS (SELECT 1 FROM waitlist w WHERE w.citizen_id = citizens.id)
		AND NOT EXISTS (SELECT 1 FROM citizen_accounts a WHERE a.citizen_id = citizens.id)
		AND NOT EXISTS (SELECT 1 FROM citizen_tokens k WHERE k.citizen_id = citizens.id){limit})`,
		func(p booking.PurgePolicy) []any { return []any{ms(p.BookingsBefore)} }},
	{"outbox", `DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE status IN ('sent', 'failed') AND created_at < ?{limit})`,
		func(p booking.PurgePolicy) []any { return []any{ms(p.MessagesBefore)} }},
	// A signed inbound webhook can be replayed at any time: its MessageSid
	// is kept for good so that it never applies twice; the sender and the
	// reply (personal data) go with retention.messages.
	{"inbound", `UPDATE sms_inbound SET from_phone = '', reply = '' WHERE message_sid IN (SELECT message_sid FROM sms_inbound
		WHERE received_at < ? AND (from_phone <> '' OR reply <> ''){limit})`,
		func(p booking.PurgePolicy) []any { return []any{ms(p.MessagesBefore)} }},
	{"sms_up", `DELETE FROM sms_up WHERE sequence_id IN (SELECT sequence_id FROM sms_up WHERE received_at < ? AND handled_at > 0{limit})`,
		func(p booking.PurgePolicy) []any { return []any{ms(p.MessagesBefore)} }},
	{"sms_early_status", `DELETE FROM sms_early_status WHERE id IN (SELECT id FROM sms_early_status WHERE received_at < ?{limit})`,
		func(p booking.PurgePolicy) []any { return []any{ms(p.MessagesBefore)} }},
	{"dev_inbox", `DELETE FROM dev_inbox WHERE id IN (SELECT id FROM dev_inbox WHERE created_at < ?{limit})`,
		func(p booking.PurgePolicy) []any { return []any{ms(p.MessagesBefore)} }},
	{"audit", `DELETE FROM audit WHERE id IN (SELECT id FROM audit WHERE at < ?{limit})`,
		func(p booking.PurgePolicy) []any { return []any{ms(p.AuditBefore)} }},
	{"job_runs", `DELETE FROM job_runs WHERE (job, fire_at) IN (SELECT job, fire_at FROM job_runs WHERE fire_at < ?{limit})`,
		func(p booking.PurgePolicy) []any { return []any{ms(p.AuditBefore)} }},
}

// Purge runs every deletion of the purge job once (only those p.Again
// names, and the citizen's with any of theirs, when it is set), each
// taking at most p.Limit rows (calls, for the journeys) when that is set.
// When one of a citizen's deletions (booking.CitizenPurge) still has more
// than a bounded run took, the next run does them all again, since each
// may make more citizens purgeable.
func (t *Tx) Purge(p booking.PurgePolicy) (booking.PurgeResult, error) {
	again := false // a deletion a citizen's purge waits on has more
	for kind := range p.Again {
		again = again || booking.CitizenPurge(kind)
	}
	out := booking.PurgeResult{}
	for _, q := range purges {
		if p.Again != nil && !p.Again[q.name] && !(again && booking.CitizenPurge(q.name)) {
			continue
		}
		query, args := strings.Replace(q.sql, "{limit}", "", 1), q.args(p)
		if p.Limit > 0 {
			query, args = strings.Replace(q.sql, "{limit}", " LIMIT ?", 1), append(args, p.Limit)
		}
		res, err := t.Exec(query, args...)
		if err != nil {
			return out, err
		}
		n, _ := res.RowsAffected()
		out[q.name] = int(n)
	}
	return out, nil
}
