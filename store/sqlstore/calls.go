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
	rows, err := t.Query(`SELECT `+callCols+` FROM call_sessions WHERE transferred_at >= ? ORDER BY transferred_at DESC`, ms(since))
	if err != nil {
		return nil, err
	}
	return collect(rows, scanCall)
}
