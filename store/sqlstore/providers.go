package sqlstore

import (
	"database/sql"
	"errors"
	"time"

	"yuyue/booking"
)

func (t *Tx) RecordUp(m booking.UpMessage) (bool, error) {
	res, err := t.Exec(`INSERT INTO sms_up (sequence_id, phone, content, dest_code, send_time, received_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		m.SequenceID, m.Phone, m.Content, m.DestCode, m.SendTime, ms(m.ReceivedAt))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func (t *Tx) ClaimUp(seq string, now, staleBefore time.Time) (booking.UpMessage, bool, error) {
	var m booking.UpMessage
	var at int64
	err := t.QueryRow(`UPDATE sms_up SET claimed_at = ? WHERE sequence_id = ? AND handled_at = 0 AND claimed_at <= ?
		RETURNING sequence_id, phone, content, dest_code, send_time, received_at`, ms(now), seq, ms(staleBefore)).
		Scan(&m.SequenceID, &m.Phone, &m.Content, &m.DestCode, &m.SendTime, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return m, false, nil
	}
	m.ReceivedAt = fromMS(at)
	return m, err == nil, err
}

func (t *Tx) FinishUp(seq string, now time.Time) error {
	_, err := t.Exec(`UPDATE sms_up SET handled_at = ? WHERE sequence_id = ?`, ms(now), seq)
	return err
}

// SetDeliveryReport finds the row by provider id, else by outbox id; a
// report for neither is kept for the send that will record sid.
func (t *Tx) SetDeliveryReport(sid string, outboxID int64, status, errorCode string) (bool, error) {
	var id int64
	var cur string
	// (message_sid = ?) IS TRUE: a NULL sid sorts last on both engines.
	err := t.QueryRow(`SELECT id, delivery_status FROM outbox WHERE (message_sid = ? AND ? <> '') OR id = ?
		ORDER BY (message_sid = ?) IS TRUE DESC LIMIT 1`, sid, sid, outboxID, sid).Scan(&id, &cur)
	if errors.Is(err, sql.ErrNoRows) {
		if sid == "" {
			return false, booking.Errorf(booking.ENotFound, "message not found")
		}
		_, err = t.Exec(`INSERT INTO sms_early_status (sid, status, error_code, received_at) VALUES (?, ?, ?, now_ms())`,
			sid, status, errorCode)
		return false, err
	}
	if err != nil {
		return false, err
	}
	rank, known := deliveryRank[status]
	if !known || rank <= deliveryRank[cur] {
		return false, nil
	}
	_, err = t.Exec(`UPDATE outbox SET delivery_status = ?, error_code = ? WHERE id = ?`, status, errorCode, id)
	return err == nil, err
}

// applyEarly applies the statuses kept for sid now that a row holds it:
// query takes them (takeEarly, alone or after the record of the send).
func (t *Tx) applyEarly(sid, query string, args ...any) error {
	rows, err := t.Query(query, args...)
	if err != nil {
		return err
	}
	type early struct{ status, code string }
	es, err := collect(rows, func(sc scanner) (early, error) {
		var e early
		return e, sc.Scan(&e.status, &e.code)
	})
	if err != nil {
		return err
	}
	for _, e := range es {
		if _, err := t.SetDeliveryReport(sid, 0, e.status, e.code); err != nil {
			return err
		}
	}
	return nil
}

func (t *Tx) OutboxRows(to string, limit int) ([]booking.OutboxRow, error) {
	rows, err := t.Query(`SELECT id, to_phone, kind, status, attempts, coalesce(message_sid, ''), delivery_status, error_code,
		last_error, created_at, sent_at FROM outbox WHERE ? = '' OR to_phone = ? ORDER BY id DESC LIMIT ?`, to, to, limit)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(sc scanner) (booking.OutboxRow, error) {
		var r booking.OutboxRow
		var created, sent int64
		err := sc.Scan(&r.ID, &r.To, &r.Kind, &r.Status, &r.Attempts, &r.ProviderID, &r.DeliveryStatus, &r.ErrorCode,
			&r.LastError, &created, &sent)
		r.CreatedAt, r.SentAt = fromMS(created), fromMS(sent)
		return r, err
	})
}
