package sqlstore

import (
	"time"

	"yuyue/booking"
)

// officeCond narrows a dashboard query to one office ("" = all).
func officeCond(office string, args []any) (string, []any) {
	if office == "" {
		return "", args
	}
	return ` AND office = ?`, append(args, office)
}

func (t *Tx) BookingsByDayChannel(office string, from, to booking.Date) ([]booking.DayChannel, error) {
	cond, args := officeCond(office, []any{from.String(), to.String()})
	rows, err := t.Query(`SELECT date, channel, count(*) FROM bookings
		WHERE date >= ? AND date <= ? AND status IN ('booked', 'checked_in', 'completed')`+cond+`
		GROUP BY date, channel ORDER BY date, channel`, args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(sc scanner) (booking.DayChannel, error) {
		var r booking.DayChannel
		var d string
		if err := sc.Scan(&d, &r.Channel, &r.N); err != nil {
			return r, err
		}
		var err error
		r.Date, err = booking.ParseDate(d)
		return r, err
	})
}

func (t *Tx) FillByOffice(office string, from, to booking.Date) ([]booking.OfficeFill, error) {
	cond, args := officeCond(office, []any{from.String(), to.String()})
	rows, err := t.Query(`SELECT office, sum(capacity), sum(taken) FROM places
		WHERE date >= ? AND date <= ?`+cond+` GROUP BY office ORDER BY office`, args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(sc scanner) (booking.OfficeFill, error) {
		var r booking.OfficeFill
		return r, sc.Scan(&r.Office, &r.Capacity, &r.Taken)
	})
}

func (t *Tx) NoShowsByOffice(office string, from, to booking.Date) ([]booking.OfficeNoShows, error) {
	cond, args := officeCond(office, []any{from.String(), to.String()})
	rows, err := t.Query(`SELECT office, count(*), sum(CASE WHEN status = 'noshow' THEN 1 ELSE 0 END) FROM bookings
		WHERE date >= ? AND date <= ? AND status IN ('checked_in', 'completed', 'noshow')`+cond+`
		GROUP BY office ORDER BY office`, args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(sc scanner) (booking.OfficeNoShows, error) {
		var r booking.OfficeNoShows
		return r, sc.Scan(&r.Office, &r.Due, &r.NoShow)
	})
}

func (t *Tx) SMSByProvider(since time.Time) ([]booking.ProviderSMS, error) {
	rows, err := t.Query(`SELECT provider,
		sum(CASE WHEN status = 'sent' AND delivery_status IN ('delivered', 'read') THEN 1 ELSE 0 END),
		sum(CASE WHEN status = 'failed' OR delivery_status IN ('failed', 'undelivered', 'canceled') THEN 1 ELSE 0 END),
		count(*)
		FROM outbox WHERE created_at >= ? GROUP BY provider ORDER BY provider`, ms(since))
	if err != nil {
		return nil, err
	}
	return collect(rows, func(sc scanner) (booking.ProviderSMS, error) {
		var r booking.ProviderSMS
		var all int
		err := sc.Scan(&r.Provider, &r.Delivered, &r.Failed, &all)
		r.Pending = all - r.Delivered - r.Failed
		return r, err
	})
}

func (t *Tx) CallsByHour(start time.Time, hours int) ([]int, error) {
	out := make([]int, hours)
	rows, err := t.Query(`SELECT (at - ?) / 3600000, count(*) FROM call_events
		WHERE seq = 1 AND at >= ? AND at < ? GROUP BY 1`,
		ms(start), ms(start), ms(start.Add(time.Duration(hours)*time.Hour)))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var h int64
		var n int
		if err := rows.Scan(&h, &n); err != nil {
			return nil, err
		}
		if h >= 0 && int(h) < hours {
			out[h] = n
		}
	}
	return out, rows.Err()
}

func (t *Tx) CallExits(from, to time.Time) ([]booking.StepCount, error) {
	rows, err := t.Query(`SELECT e.step, count(*) `+lastEvent+`
		WHERE s.seq = 1 AND s.at >= ? AND s.at < ? GROUP BY e.step ORDER BY e.step`, ms(from), ms(to))
	if err != nil {
		return nil, err
	}
	return collect(rows, func(sc scanner) (booking.StepCount, error) {
		var r booking.StepCount
		return r, sc.Scan(&r.Step, &r.N)
	})
}
