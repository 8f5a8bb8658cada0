package sqlstore

import (
	"yuyue/booking"
)

const eventCols = `call_sid, seq, at, kind, channel, caller, from_step, step, keys, sms, detail`

func scanEvent(sc scanner) (booking.CallEvent, error) {
	var e booking.CallEvent
	var at int64
	err := sc.Scan(&e.SID, &e.Seq, &at, &e.Kind, &e.Channel, &e.Caller, &e.FromStep, &e.Step, &e.Keys, &e.SMS, &e.Detail)
	e.At = fromMS(at)
	return e, err
}

// AddCallEvent records one saved step of a call. Its (call, seq) is the
// call's compare-and-set seq, so a step is recorded once. It runs without
// a guard: the step's UPDATE of the call to seq, in the same transaction,
// succeeded first, and seq only grows, so no row (call, seq) can exist yet
// (the key is the table's only constraint besides kind's CHECK, which the
// channels' constants satisfy); and should it fail anyway, the step fails
// with it and rolls back whole.
func (t *Tx) AddCallEvent(e booking.CallEvent) error {
	_, err := t.Exec(`INSERT INTO call_events (`+eventCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.SID, e.Seq, ms(e.At), e.Kind, e.Channel, e.Caller, e.FromStep, e.Step, e.Keys, e.SMS, e.Detail)
	return t.db.mapError(err, "call event")
}

// CallEvents is one call's journey in order.
func (t *Tx) CallEvents(sid string) ([]booking.CallEvent, error) {
	rows, err := t.Query(`SELECT `+eventCols+` FROM call_events WHERE call_sid = ? ORDER BY seq`, sid)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanEvent)
}

// lastEvent joins a call's start row s to its latest row e.
const lastEvent = `FROM call_events s JOIN call_events e ON e.call_sid = s.call_sid
	AND e.seq = (SELECT max(m.seq) FROM call_events m WHERE m.call_sid = s.call_sid)`

// CallSummaries lists the calls that started in [f.From, f.To), newest
// first, with the step each is at (or ended at).
func (t *Tx) CallSummaries(f booking.CallFilter) ([]booking.CallSummary, error) {
	q := `SELECT s.call_sid, s.channel, s.caller, s.at, e.step, e.seq ` + lastEvent +
		` WHERE s.seq = 1 AND s.at >= ? AND s.at < ?`
	args := []any{ms(f.From), ms(f.To)}
	if f.Tail != "" {
		q += ` AND s.caller LIKE ?`
		args = append(args, "%"+f.Tail)
	}
	q += ` ORDER BY s.at DESC, s.call_sid LIMIT ?`
	rows, err := t.Query(q, append(args, f.Limit)...)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(sc scanner) (booking.CallSummary, error) {
		var c booking.CallSummary
		var at int64
		err := sc.Scan(&c.SID, &c.Channel, &c.Caller, &at, &c.LastStep, &c.Events)
		c.StartedAt = fromMS(at)
		return c, err
	})
}
