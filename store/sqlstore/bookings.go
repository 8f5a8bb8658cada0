package sqlstore

import (
	"time"

	"yuyue/booking"
)

const bookingCols = `id, coalesce(reference, ''), citizen_id, place_id, business, office, date, start_time, end_time,
	status, hold_expires_at, created_at, confirmed_at, cancelled_at, checked_in_at, noshow_at, completed_at,
	queue_no, returned, attending, reminded_at, channel`

// bookingRow is where a row of bookingCols is scanned (dest), before
// booking turns it into a Booking.
type bookingRow struct {
	b                                                               booking.Booking
	d                                                               string
	hold, created, confirmed, cancelled, checked, noshow, completed int64
	reminded                                                        int64
}

func (r *bookingRow) dest() []any {
	b := &r.b
	return []any{&b.ID, &b.Reference, &b.CitizenID, &b.PlaceID, &b.Business, &b.Office, &r.d, &b.Start, &b.End,
		&b.Status, &r.hold, &r.created, &r.confirmed, &r.cancelled, &r.checked, &r.noshow, &r.completed,
		&b.QueueNo, &b.Returned, &b.Attending, &r.reminded, &b.Channel}
}

func (r *bookingRow) booking() (booking.Booking, error) {
	b := r.b
	b.HoldExpiresAt, b.CreatedAt, b.ConfirmedAt, b.CancelledAt = fromMS(r.hold), fromMS(r.created), fromMS(r.confirmed), fromMS(r.cancelled)
	b.CheckedInAt, b.NoShowAt, b.CompletedAt, b.RemindedAt = fromMS(r.checked), fromMS(r.noshow), fromMS(r.completed), fromMS(r.reminded)
	var err error
	b.Date, err = booking.ParseDate(r.d)
	return b, err
}

func scanBooking(sc scanner) (booking.Booking, error) {
	var r bookingRow
	if err := sc.Scan(r.dest()...); err != nil {
		return r.b, err
	}
	return r.booking()
}

func (t *Tx) InsertBooking(b *booking.Booking) error {
	id, err := t.insertID("booking", `INSERT INTO bookings (reference, citizen_id, place_id, business, office, date, start_time, end_time,
		status, hold_expires_at, created_at, channel) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		nullable(b.Reference), b.CitizenID, b.PlaceID, b.Business, b.Office, b.Date.String(), b.Start, b.End,
		string(b.Status), ms(b.HoldExpiresAt), ms(b.CreatedAt), b.Channel)
	b.ID = id
	return err
}

// UpdateBooking writes the mutable fields; InTx holds the only writer, so
// what the caller read inside it is still current.
func (t *Tx) UpdateBooking(b booking.Booking) error {
	_, err := t.execMapped("booking", `UPDATE bookings SET reference = ?, status = ?, hold_expires_at = ?, confirmed_at = ?, cancelled_at = ?,
		checked_in_at = ?, noshow_at = ?, completed_at = ?, queue_no = ?, returned = ?, attending = ?, reminded_at = ?
		WHERE id = ?`,
		nullable(b.Reference), string(b.Status), ms(b.HoldExpiresAt), ms(b.ConfirmedAt), ms(b.CancelledAt),
		ms(b.CheckedInAt), ms(b.NoShowAt), ms(b.CompletedAt), b.QueueNo, b2i(b.Returned), b2i(b.Attending), ms(b.RemindedAt), b.ID)
	return err
}

func (t *Tx) Booking(id int64) (booking.Booking, error) {
	b, err := scanBooking(t.QueryRow(`SELECT `+bookingCols+` FROM bookings WHERE id = ?`, id))
	return b, t.db.mapError(err, "booking")
}

func (t *Tx) BookingByReference(ref string) (booking.Booking, error) {
	b, err := scanBooking(t.QueryRow(`SELECT `+bookingCols+` FROM bookings WHERE reference = ?`, ref))
	return b, t.db.mapError(err, "booking")
}

func bookingWhere(f booking.BookingFilter) (string, []any) {
	var w where
	if f.CitizenID != 0 {
		w.add("citizen_id = ?", f.CitizenID)
	}
	if f.PlaceID != 0 {
		w.add("place_id = ?", f.PlaceID)
	}
	w.slot(f.Office, f.Business, f.From, f.To)
	status := "status"
	if f.CitizenID != 0 {
		// One citizen's bookings are found through bookings_citizen. A
		// status condition the planner may use instead (few rows are held)
		// would read the index's whole 'held' range: on PostgreSQL a
		// predicate lock every other caller's new hold writes into, so any
		// two holds at once would be a serialization conflict.
		status = "(status || '')"
	}
	inStatuses(&w, status, f.Statuses)
	if !f.HoldExpiredBefore.IsZero() {
		w.add(status+" = 'held' AND hold_expires_at <= ?", ms(f.HoldExpiredBefore))
	}
	if f.NotReturned {
		w.add("returned = 0")
	}
	if f.NotReminded {
		w.add("reminded_at = 0")
	}
	return w.sql()
}

func (t *Tx) Bookings(f booking.BookingFilter) ([]booking.Booking, error) {
	where, args := bookingWhere(f)
	q := `SELECT ` + bookingCols + ` FROM bookings` + where + ` ORDER BY date, start_time, id`
	if f.Limit > 0 {
		q += " LIMIT ?"
		args = append(args, f.Limit)
	}
	rows, err := t.Query(q, args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanBooking)
}

// NextQueueNo reads the day's highest number through the partial index
// bookings_queue (queue_no > 0): one index entry, not every booking of the
// day, so on PostgreSQL its predicate lock covers only that office's day.
func (t *Tx) NextQueueNo(office string, d booking.Date) (int, error) {
	var n int
	err := t.QueryRow(`SELECT coalesce(max(queue_no), 0) + 1 FROM bookings WHERE office = ? AND date = ? AND queue_no > 0`, office, d.String()).Scan(&n)
	return n, err
}

func (t *Tx) NoShowTimes(citizenID int64, since time.Time) ([]time.Time, error) {
	rows, err := t.Query(`SELECT noshow_at FROM bookings WHERE citizen_id = ? AND status = 'noshow' AND noshow_at >= ?`, citizenID, ms(since))
	if err != nil {
		return nil, err
	}
	return collect(rows, func(sc scanner) (time.Time, error) {
		var v int64
		err := sc.Scan(&v)
		return fromMS(v), err
	})
}
