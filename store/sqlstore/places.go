package sqlstore

import "yuyue/booking"

const placeCols = `id, office, business, date, start_time, end_time, capacity, taken`

// placeRow is where a row of placeCols is scanned (dest), before
// place turns it into a Place.
type placeRow struct {
	p booking.Place
	d string
}

func (r *placeRow) dest() []any {
	return []any{&r.p.ID, &r.p.Office, &r.p.Business, &r.d, &r.p.Start, &r.p.End, &r.p.Capacity, &r.p.Taken}
}

func (r *placeRow) place() (booking.Place, error) {
	p := r.p
	var err error
	p.Date, err = booking.ParseDate(r.d)
	return p, err
}

func scanPlace(sc scanner) (booking.Place, error) {
	var r placeRow
	if err := sc.Scan(r.dest()...); err != nil {
		return r.p, err
	}
	return r.place()
}

func (t *Tx) Place(id int64) (booking.Place, error) {
	p, err := scanPlace(t.QueryRow(`SELECT `+placeCols+` FROM places WHERE id = ?`, id))
	return p, t.db.mapError(err, "place")
}

func (t *Tx) Places(f booking.PlaceFilter) ([]booking.Place, error) {
	var w where
	w.slot(f.Office, f.Business, f.From, f.To)
	if f.OnlyFree {
		w.add("taken < capacity")
	}
	cond, args := w.sql()
	rows, err := t.Query(`SELECT `+placeCols+` FROM places`+cond+" ORDER BY date, start_time, office, business", args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanPlace)
}

// UpsertPlaces opens places; for an existing place the capacity follows the
// catalog but never drops below what is already taken.
func (t *Tx) UpsertPlaces(ps []booking.Place) (int, error) {
	// CASE, not max()/greatest(): the one spelling both engines know.
	const q = `INSERT INTO places AS p (office, business, date, start_time, end_time, capacity)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (office, business, date, start_time) DO UPDATE
		SET capacity = CASE WHEN excluded.capacity > p.taken THEN excluded.capacity ELSE p.taken END
		WHERE p.capacity <> CASE WHEN excluded.capacity > p.taken THEN excluded.capacity ELSE p.taken END`
	n := 0
	for _, p := range ps {
		res, err := t.Exec(q, p.Office, p.Business, p.Date.String(), p.Start, p.End, p.Capacity)
		if err != nil {
			return n, err
		}
		k, _ := res.RowsAffected()
		n += int(k)
	}
	return n, nil
}

// TakePlace is the capacity rule: a conditional update that succeeds only
// while a unit is free, atomic under any concurrency. Its WHERE clause
// keeps taken <= capacity (the CHECK) true, so it needs no guard: a full
// place updates no row and is EFull, not a failed statement.
func (t *Tx) TakePlace(id int64) error {
	res, err := t.Exec(`UPDATE places SET taken = taken + 1 WHERE id = ? AND taken < capacity`, id)
	if err != nil {
		return t.db.mapError(err, "place")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return booking.Errorf(booking.EFull, "place %d is full", id)
	}
	return nil
}

func (t *Tx) ReturnPlace(id int64) error {
	_, err := t.Exec(`UPDATE places SET taken = taken - 1 WHERE id = ? AND taken > 0`, id)
	return t.db.mapError(err, "place")
}
