package sqlstore

import "yuyue/booking"

const waitCols = `id, citizen_id, business, office, date, start_time, status, offer_booking_id, offer_expires_at,
	created_at, ended_at, channel`

func scanWait(sc scanner) (booking.WaitEntry, error) {
	var w booking.WaitEntry
	var d string
	var offerExp, created, ended int64
	err := sc.Scan(&w.ID, &w.CitizenID, &w.Business, &w.Office, &d, &w.Start, &w.Status, &w.OfferBookingID, &offerExp,
		&created, &ended, &w.Channel)
	if err != nil {
		return w, err
	}
	w.OfferExpiresAt, w.CreatedAt, w.EndedAt = fromMS(offerExp), fromMS(created), fromMS(ended)
	w.Date, err = booking.ParseDate(d)
	return w, err
}

func (t *Tx) InsertWaitEntry(w *booking.WaitEntry) error {
	id, err := t.insertID("waitlist entry", `INSERT INTO waitlist (citizen_id, business, office, date, start_time, status,
		offer_booking_id, offer_expires_at, created_at, channel) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		w.CitizenID, w.Business, w.Office, w.Date.String(), w.Start, string(w.Status),
		w.OfferBookingID, ms(w.OfferExpiresAt), ms(w.CreatedAt), w.Channel)
	w.ID = id
	return err
}

func (t *Tx) UpdateWaitEntry(w booking.WaitEntry) error {
	_, err := t.execMapped("waitlist entry", `UPDATE waitlist SET status = ?, offer_booking_id = ?, offer_expires_at = ?, ended_at = ?
		WHERE id = ?`, string(w.Status), w.OfferBookingID, ms(w.OfferExpiresAt), ms(w.EndedAt), w.ID)
	return err
}

func (t *Tx) WaitEntry(id int64) (booking.WaitEntry, error) {
	w, err := scanWait(t.QueryRow(`SELECT `+waitCols+` FROM waitlist WHERE id = ?`, id))
	return w, t.db.mapError(err, "waitlist entry")
}

// WaitEntryByOffer finds the entry through waitlist_offer, whose condition
// (offer_booking_id > 0) the query writes out: SQLite's planner does not
// infer it from offer_booking_id = ?, and read the whole waitlist.
func (t *Tx) WaitEntryByOffer(bookingID int64) (booking.WaitEntry, error) {
	w, err := scanWait(t.QueryRow(`SELECT `+waitCols+` FROM waitlist WHERE offer_booking_id = ? AND offer_booking_id > 0
		ORDER BY id DESC LIMIT 1`, bookingID))
	return w, t.db.mapError(err, "waitlist entry")
}

// WaitEntries lists entries in the queue's order: by id, the order they
// were inserted by the one writer.
func (t *Tx) WaitEntries(f booking.WaitFilter) ([]booking.WaitEntry, error) {
	var w where
	if f.CitizenID != 0 {
		w.add("citizen_id = ?", f.CitizenID)
	}
	w.slot(f.Office, f.Business, f.From, f.To)
	inStatuses(&w, "status", f.Statuses)
	if !f.OfferExpiredBefore.IsZero() {
		w.add("status = 'offered' AND offer_expires_at <= ?", ms(f.OfferExpiredBefore))
	}
	cond, args := w.sql()
	q := `SELECT ` + waitCols + ` FROM waitlist` + cond + ` ORDER BY id`
	if f.Limit > 0 {
		q += " LIMIT ?"
		args = append(args, f.Limit)
	}
	rows, err := t.Query(q, args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanWait)
}

func (t *Tx) CountWaitlist() (booking.WaitlistCounts, error) {
	var n booking.WaitlistCounts
	err := t.QueryRow(`SELECT count(*),
		coalesce(sum(CASE WHEN status = 'waiting' THEN 1 ELSE 0 END), 0),
		coalesce(sum(CASE WHEN offer_booking_id > 0 THEN 1 ELSE 0 END), 0),
		coalesce(sum(CASE WHEN status = 'accepted' THEN 1 ELSE 0 END), 0),
		coalesce(sum(CASE WHEN status = 'expired' THEN 1 ELSE 0 END), 0)
		FROM waitlist`).Scan(&n.Entries, &n.Waiting, &n.Offers, &n.Acceptances, &n.Expiries)
	return n, err
}
