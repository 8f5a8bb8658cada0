package sqlstore

import (
	"encoding/json"
	"time"

	"yuyue/booking"
)

func (t *Tx) PhoneVerified(phone, purpose string, now time.Time) (bool, error) {
	var n int
	err := t.QueryRow(`SELECT count(*) FROM phone_verifications WHERE phone = ? AND purpose = ? AND verified_until > ?`,
		phone, purpose, ms(now)).Scan(&n)
	return n > 0, err
}

func (t *Tx) SetPhoneVerified(phone, purpose string, until time.Time) error {
	_, err := t.Exec(`INSERT INTO phone_verifications (phone, purpose, verified_until) VALUES (?, ?, ?)
		ON CONFLICT (phone, purpose) DO UPDATE SET verified_until = excluded.verified_until`, phone, purpose, ms(until))
	return err
}

// Enqueue writes an outbound SMS to the outbox inside the caller's
// transaction; the SMS worker sends it after commit.
func (t *Tx) Enqueue(m booking.Message) error {
	params, err := json.Marshal(m.Params)
	if err != nil {
		return err
	}
	_, err = t.Exec(`INSERT INTO outbox (to_phone, kind, params, citizen_id, booking_id, created_at) VALUES (?, ?, ?, ?, ?, now_ms())`,
		m.To, m.Kind, string(params), m.CitizenID, m.BookingID)
	return err
}

func (t *Tx) Audit(e booking.AuditEntry) error {
	_, err := t.Exec(`INSERT INTO audit (at, actor, channel, action, citizen_id, booking_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		ms(e.At), e.Actor, e.Channel, e.Action, e.CitizenID, e.BookingID, e.Detail)
	return err
}

func (t *Tx) AuditLog(f booking.AuditFilter) ([]booking.AuditEntry, error) {
	var w where
	if f.Actor != "" {
		w.add("actor = ?", f.Actor)
	}
	if f.CitizenID != 0 {
		w.add("citizen_id = ?", f.CitizenID)
	}
	if f.BookingID != 0 {
		w.add("booking_id = ?", f.BookingID)
	}
	if f.Action != "" {
		w.add("action = ?", f.Action)
	}
	if !f.From.IsZero() {
		w.add("at >= ?", ms(f.From))
	}
	if !f.To.IsZero() {
		w.add("at < ?", ms(f.To))
	}
	cond, args := w.sql()
	q := `SELECT id, at, actor, channel, action, citizen_id, booking_id, detail FROM audit` + cond + " ORDER BY id DESC"
	if f.Limit > 0 {
		q += " LIMIT ? OFFSET ?"
		args = append(args, f.Limit, f.Offset)
	}
	rows, err := t.Query(q, args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(sc scanner) (booking.AuditEntry, error) {
		var e booking.AuditEntry
		var at int64
		err := sc.Scan(&e.ID, &at, &e.Actor, &e.Channel, &e.Action, &e.CitizenID, &e.BookingID, &e.Detail)
		e.At = fromMS(at)
		return e, err
	})
}
