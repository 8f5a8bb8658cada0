package sqlstore

import (
	"encoding/json"
	"math/rand/v2"
	"sort"
	"time"

	"yuyue/booking"
)

// InsertClosure writes a closure and one closed slot per office (and
// period; start_time ” closes the whole day).
func (t *Tx) InsertClosure(c *booking.Closure) error {
	id, err := t.insertID("closure", `INSERT INTO closures (date, reason_class, note, action, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`, c.Date.String(), c.ReasonClass, c.Note, c.Action, c.CreatedBy, ms(c.CreatedAt))
	if err != nil {
		return err
	}
	c.ID = id
	starts := c.Periods
	if len(starts) == 0 {
		starts = []string{""}
	}
	for _, o := range c.Offices {
		for _, s := range starts {
			if _, err := t.execMapped("closure", `INSERT INTO closed_slots (closure_id, office, date, start_time) VALUES (?, ?, ?, ?)
				ON CONFLICT DO NOTHING`, id, o, c.Date.String(), s); err != nil {
				return err
			}
		}
	}
	return nil
}

const closureCols = `id, date, reason_class, note, action, created_by, created_at, reopened_at, reopened_by`

func scanClosure(sc scanner) (booking.Closure, error) {
	var c booking.Closure
	var d string
	var created, reopened int64
	if err := sc.Scan(&c.ID, &d, &c.ReasonClass, &c.Note, &c.Action, &c.CreatedBy, &created, &reopened, &c.ReopenedBy); err != nil {
		return c, err
	}
	c.CreatedAt, c.ReopenedAt = fromMS(created), fromMS(reopened)
	var err error
	c.Date, err = booking.ParseDate(d)
	return c, err
}

// withSlots fills the offices and periods of closures from closed_slots.
func (t *Tx) withSlots(cs []booking.Closure) ([]booking.Closure, error) {
	for i := range cs {
		rows, err := t.Query(`SELECT office, start_time FROM closed_slots WHERE closure_id = ? ORDER BY office, start_time`, cs[i].ID)
		if err != nil {
			return nil, err
		}
		type pair struct{ office, start string }
		ps, err := collect(rows, func(sc scanner) (pair, error) {
			var p pair
			return p, sc.Scan(&p.office, &p.start)
		})
		if err != nil {
			return nil, err
		}
		seenO, seenP := map[string]bool{}, map[string]bool{}
		for _, p := range ps {
			if !seenO[p.office] {
				seenO[p.office] = true
				cs[i].Offices = append(cs[i].Offices, p.office)
			}
			if p.start != "" && !seenP[p.start] {
				seenP[p.start] = true
				cs[i].Periods = append(cs[i].Periods, p.start)
			}
		}
		sort.Strings(cs[i].Periods)
	}
	return cs, nil
}

func (t *Tx) Closure(id int64) (booking.Closure, error) {
	c, err := scanClosure(t.QueryRow(`SELECT `+closureCols+` FROM closures WHERE id = ?`, id))
	if err != nil {
		return c, t.db.mapError(err, "closure")
	}
	cs, err := t.withSlots([]booking.Closure{c})
	if err != nil {
		return c, err
	}
	return cs[0], nil
}

func (t *Tx) Closures(limit int) ([]booking.Closure, error) {
	rows, err := t.Query(`SELECT `+closureCols+` FROM closures ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, err
	}
	cs, err := collect(rows, scanClosure)
	if err != nil {
		return nil, err
	}
	return t.withSlots(cs)
}

func (t *Tx) ReopenClosure(id int64, by string, at time.Time) error {
	_, err := t.Exec(`UPDATE closures SET reopened_at = ?, reopened_by = ? WHERE id = ? AND reopened_at = 0`, ms(at), by, id)
	return t.db.mapError(err, "closure")
}

// ClosedSlots lists the slots of active closures between from and to.
func (t *Tx) ClosedSlots(from, to booking.Date) ([]booking.ClosedSlot, error) {
	rows, err := t.Query(`SELECT s.closure_id, s.office, s.date, s.start_time FROM closed_slots s
		JOIN closures c ON c.id = s.closure_id
		WHERE c.reopened_at = 0 AND s.date >= ? AND s.date <= ?`, from.String(), to.String())
	if err != nil {
		return nil, err
	}
	return collect(rows, func(sc scanner) (booking.ClosedSlot, error) {
		var s booking.ClosedSlot
		var d string
		if err := sc.Scan(&s.ClosureID, &s.Office, &d, &s.Start); err != nil {
			return s, err
		}
		var err error
		s.Date, err = booking.ParseDate(d)
		return s, err
	})
}

// EnqueueClosureNotice queues m and ties the outbox row to the closure, so
// the closure's page can count its SMS by status.
func (t *Tx) EnqueueClosureNotice(closureID int64, outcome string, m booking.Message) error {
	return t.closureNotice(closureID, m.BookingID, outcome, m)
}

// EnqueueClosureWaitNotice queues m for a waitlist entry the closure ended
// or whose offer it withdrew. closure_notices keys its rows by booking and
// knows two outcomes; a waitlist notice is stored under the entry's id
// negated (never a booking's) as outcome 'cancelled' (the entry or its
// offer was), and ClosureProgress counts it apart by its sign.
func (t *Tx) EnqueueClosureWaitNotice(closureID, entryID int64, m booking.Message) error {
	return t.closureNotice(closureID, -entryID, booking.OutcomeCancelled, m)
}

func (t *Tx) closureNotice(closureID, key int64, outcome string, m booking.Message) error {
	params, err := json.Marshal(m.Params)
	if err != nil {
		return err
	}
	id, err := t.insertID("outbox", `INSERT INTO outbox (to_phone, kind, params, citizen_id, booking_id, created_at)
		VALUES (?, ?, ?, ?, ?, now_ms())`, m.To, m.Kind, string(params), m.CitizenID, m.BookingID)
	if err != nil {
		return err
	}
	_, err = t.execMapped("closure notice", `INSERT INTO closure_notices (closure_id, booking_id, outbox_id, outcome) VALUES (?, ?, ?, ?)`,
		closureID, key, id, outcome)
	return err
}

// ClosureProgress counts a closure's SMS: sent (or delivered), pending
// (waiting or being sent) and failed (refused, or outcome unknown), and
// its bookings cancelled and moved and its waitlist notices (negative
// keys: EnqueueClosureWaitNotice).
func (t *Tx) ClosureProgress(id int64) (booking.ClosureProgress, error) {
	var p booking.ClosureProgress
	err := t.QueryRow(`SELECT
		coalesce(sum(CASE WHEN o.status = 'sent' THEN 1 ELSE 0 END), 0),
		coalesce(sum(CASE WHEN o.status IN ('pending', 'sending') THEN 1 ELSE 0 END), 0),
		coalesce(sum(CASE WHEN o.status IN ('failed', 'unknown') THEN 1 ELSE 0 END), 0),
		coalesce(sum(CASE WHEN n.outcome = 'cancelled' AND n.booking_id > 0 THEN 1 ELSE 0 END), 0),
		coalesce(sum(CASE WHEN n.outcome = 'moved' THEN 1 ELSE 0 END), 0),
		coalesce(sum(CASE WHEN n.booking_id < 0 THEN 1 ELSE 0 END), 0)
		FROM closure_notices n LEFT JOIN outbox o ON o.id = n.outbox_id WHERE n.closure_id = ?`, id).
		Scan(&p.Sent, &p.Pending, &p.Failed, &p.Cancelled, &p.Moved, &p.Waitlist)
	return p, err
}

// MoveBooking points a booking at another place (a reschedule, or a move
// off a closed day): its reminder is due again and an attendance the
// citizen confirmed was for the old time.
func (t *Tx) MoveBooking(bookingID int64, p booking.Place) error {
	_, err := t.execMapped("booking", `UPDATE bookings SET place_id = ?, office = ?, date = ?, start_time = ?, end_time = ?,
		attending = 0, reminded_at = 0 WHERE id = ?`, p.ID, p.Office, p.Date.String(), p.Start, p.End, bookingID)
	return err
}

func (t *Tx) CalendarDays() ([]booking.CalendarDay, error) {
	rows, err := t.Query(`SELECT date, kind, name FROM calendar_days ORDER BY date`)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(sc scanner) (booking.CalendarDay, error) {
		var d booking.CalendarDay
		var s string
		if err := sc.Scan(&s, &d.Kind, &d.Name); err != nil {
			return d, err
		}
		var err error
		d.Date, err = booking.ParseDate(s)
		return d, err
	})
}

func (t *Tx) CalendarYears() ([]int, error) {
	rows, err := t.Query(`SELECT year FROM calendar_years ORDER BY year`)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(sc scanner) (int, error) {
		var y int
		return y, sc.Scan(&y)
	})
}

func (t *Tx) SetCalendarYear(year int, days []booking.CalendarDay, source string, at time.Time) error {
	// dates are YYYY-MM-DD text: the year's rows sort between these bounds
	if _, err := t.Exec(`DELETE FROM calendar_days WHERE date >= ? AND date <= ?`,
		booking.Date{Year: year, Month: 1, Day: 1}.String(), booking.Date{Year: year, Month: 12, Day: 31}.String()); err != nil {
		return err
	}
	for _, d := range days {
		if err := t.SetCalendarDay(d); err != nil {
			return err
		}
	}
	_, err := t.Exec(`INSERT INTO calendar_years (year, source, loaded_at) VALUES (?, ?, ?)
		ON CONFLICT (year) DO UPDATE SET source = excluded.source, loaded_at = excluded.loaded_at`, year, source, ms(at))
	return err
}

func (t *Tx) SetCalendarDay(d booking.CalendarDay) error {
	_, err := t.execMapped("calendar day", `INSERT INTO calendar_days (date, kind, name) VALUES (?, ?, ?)
		ON CONFLICT (date) DO UPDATE SET kind = excluded.kind, name = excluded.name`, d.Date.String(), d.Kind, d.Name)
	return err
}

func (t *Tx) CatalogVersion() (int64, error) {
	var v int64
	err := t.QueryRow(`SELECT version FROM catalog_version WHERE id = 1`).Scan(&v)
	return v, err
}

// BumpCatalogVersion moves the version forward by a random step (1 to
// 2^32): a node may cache what it read at a version seen inside a
// group-commit batch that then rolled back, and a later committed change
// must not arrive at that same number (with +1 it always would).
func (t *Tx) BumpCatalogVersion() error {
	_, err := t.Exec(`UPDATE catalog_version SET version = version + ? WHERE id = 1`, 1+rand.Int64N(1<<32))
	return err
}

const capacityCols = `id, office, business, start_time, date_from, date_to, capacity, created_by, created_at`

func (t *Tx) CapacityChanges() ([]booking.CapacityChange, error) {
	rows, err := t.Query(`SELECT ` + capacityCols + ` FROM capacity_changes ORDER BY created_at, id`)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(sc scanner) (booking.CapacityChange, error) {
		var c booking.CapacityChange
		var from, to string
		var at int64
		if err := sc.Scan(&c.ID, &c.Office, &c.Business, &c.Start, &from, &to, &c.Capacity, &c.CreatedBy, &at); err != nil {
			return c, err
		}
		c.CreatedAt = fromMS(at)
		var err error
		if c.From, err = booking.ParseDate(from); err == nil {
			c.To, err = booking.ParseDate(to)
		}
		return c, err
	})
}

// SaveCapacityChange records a change; a repeat of the same office,
// business, period and range replaces the capacity and counts as the
// latest (created_at), unless seedOnly.
func (t *Tx) SaveCapacityChange(c booking.CapacityChange, seedOnly bool) error {
	conflict := `DO UPDATE SET capacity = excluded.capacity, created_by = excluded.created_by, created_at = excluded.created_at`
	if seedOnly {
		conflict = `DO NOTHING`
	}
	_, err := t.execMapped("capacity change", `INSERT INTO capacity_changes (office, business, start_time, date_from, date_to, capacity, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (office, business, start_time, date_from, date_to) `+conflict,
		c.Office, c.Business, c.Start, c.From.String(), c.To.String(), c.Capacity, c.CreatedBy, ms(c.CreatedAt))
	return err
}

// SetPlaceCapacity sets a place's capacity; the CHECK (taken <= capacity)
// refuses going below what is taken.
func (t *Tx) SetPlaceCapacity(placeID int64, capacity int) error {
	_, err := t.execMapped("place", `UPDATE places SET capacity = ? WHERE id = ?`, capacity, placeID)
	return err
}
