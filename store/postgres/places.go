package postgres

import "yuyue/booking"

const placeCols = `id, office, business, date, start_time, end_time, capacity, taken`

func scanPlace(sc interface{ Scan(...any) error }) (booking.Place, error) {
	var p booking.Place
	var d string
	if err := sc.Scan(&p.ID, &p.Office, &p.Business, &d, &p.Start, &p.End, &p.Capacity, &p.Taken); err != nil {
		return p, err
	}
	var err error
	p.Date, err = booking.ParseDate(d)
	return p, err
}

func (t *tx) Place(id int64) (booking.Place, error) {
	p, err := scanPlace(t.QueryRow(`SELECT `+placeCols+` FROM places WHERE id = ?`, id))
	return p, mapError(err, "place")
}

func (t *tx) Places(f booking.PlaceFilter) ([]booking.Place, error) {
	var w where
	if f.Office != "" {
		w.add("office = ?", f.Office)
	}
	if f.Business != "" {
		w.add("business = ?", f.Business)
	}
	if !f.From.IsZero() {
		w.add("date >= ?", f.From.String())
	}
	if !f.To.IsZero() {
		w.add("date <= ?", f.To.String())
	}
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
func (t *tx) UpsertPlaces(ps []booking.Place) (int, error) {
	const q = `INSERT INTO places AS p (office, business, date, start_time, end_time, capacity)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (office, business, date, start_time) DO UPDATE SET capacity = greatest(excluded.capacity, p.taken)
		WHERE p.capacity <> greatest(excluded.capacity, p.taken)`
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
// while a unit is free, atomic under any concurrency.
func (t *tx) TakePlace(id int64) error {
	res, err := t.execMapped("place", `UPDATE places SET taken = taken + 1 WHERE id = ? AND taken < capacity`, id)
	if err != nil {
		return mapError(err, "place")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return booking.Errorf(booking.EFull, "place %d is full", id)
	}
	return nil
}

func (t *tx) ReturnPlace(id int64) error {
	_, err := t.Exec(`UPDATE places SET taken = taken - 1 WHERE id = ? AND taken > 0`, id)
	return mapError(err, "place")
}
