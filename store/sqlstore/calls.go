package sqlstore

import (
	"time"

	"yuyue/booking"
)

const callCols = `call_sid, from_phone, step, seq, data, context, created_at, updated_at, ended_at, transferred_at`

func scanCall(sc scanner) (booking.CallRecord, error) {
	var r booking.CallRecord
	var c, u, e, tr int64
	err := sc.Scan(&r.SID, &r.From, &r.Step, &r.Seq, &r.Data, &r.Context, &c, &u, &e, &tr)
	r.CreatedAt, r.UpdatedAt, r.EndedAt, r.TransferredAt = fromMS(c), fromMS(u), fromMS(e), fromMS(tr)
	return r, err
}

func (t *Tx) Call(sid string) (booking.CallRecord, error) {
	r, err := scanCall(t.QueryRow(`SELECT `+callCols+` FROM call_sessions WHERE call_sid = ?`, sid))
	return r, t.db.mapError(err, "call")
}

func (t *Tx) InsertCall(r booking.CallRecord) error {
	_, err := t.execMapped("call", `INSERT INTO call_sessions (`+callCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.SID, r.From, r.Step, r.Seq, r.Data, r.Context, ms(r.CreatedAt), ms(r.UpdatedAt), ms(r.EndedAt), ms(r.TransferredAt))
	return err
}

// SaveStep is UpdateCall then AddCallEvent (booking.StepSaver). Where the
// engine runs an UPDATE inside a WITH (WithWrites: PostgreSQL) they are one
// statement: every call step saves both, and each statement is a round
// trip on the node's writer connection. The event row is added only when
// the compare-and-set updated the session.
func (t *Tx) SaveStep(r booking.CallRecord, prevSeq int, e booking.CallEvent) error {
	if !t.db.withWrites() {
		if err := t.UpdateCall(r, prevSeq); err != nil {
			return err
		}
		return t.AddCallEvent(e)
	}
	args := []any{r.Step, r.Seq, r.Data, r.Context, ms(r.UpdatedAt), ms(r.EndedAt), ms(r.TransferredAt), r.SID, prevSeq,
		e.SID, e.Seq, ms(e.At), e.Kind, e.Channel, e.Caller, e.FromStep, e.Step, e.Keys, e.SMS, e.Detail}
	if t.sp.queueSave(t, Stmt{Query: saveStep, Args: args}) {
		return nil // sent, and counted, with the batch's next statement (pipeline.go)
	}
	res, err := t.Exec(saveStep, args...)
	if err != nil {
		return t.db.mapError(err, "call event")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return booking.Errorf(booking.EConflict, "call state changed")
	}
	return nil
}

// saveStep is SaveStep's one statement; its start is one of the writes a
// Light transaction may make (lightWrites). The casts type the values the
// SELECT hands to the INSERT.
const saveStep = `WITH saved AS (UPDATE call_sessions SET step = ?, seq = ?, data = ?, context = ?, updated_at = ?, ended_at = ?, transferred_at = ?
		WHERE call_sid = ? AND seq = ? RETURNING call_sid)
	INSERT INTO call_events (` + eventCols + `)
	SELECT ?::text, ?::integer, ?::bigint, ?::text, ?::text, ?::text, ?::text, ?::text, ?::text, ?::text, ?::text FROM saved`

func (t *Tx) UpdateCall(r booking.CallRecord, prevSeq int) error {
	res, err := t.Exec(`UPDATE call_sessions SET step = ?, seq = ?, data = ?, context = ?, updated_at = ?, ended_at = ?, transferred_at = ?
		WHERE call_sid = ? AND seq = ?`,
		r.Step, r.Seq, r.Data, r.Context, ms(r.UpdatedAt), ms(r.EndedAt), ms(r.TransferredAt), r.SID, prevSeq)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return booking.Errorf(booking.EConflict, "call state changed")
	}
	return nil
}

func (t *Tx) Transfers(since time.Time) ([]booking.CallRecord, error) {
	// transferred_at > 0 is call_sessions_transferred's condition, written
	// out for the planner (TransfersSince).
	rows, err := t.Query(`SELECT `+callCols+` FROM call_sessions WHERE transferred_at >= ? AND transferred_at > 0
		ORDER BY transferred_at DESC`, ms(since))
	if err != nil {
		return nil, err
	}
	return collect(rows, scanCall)
}
