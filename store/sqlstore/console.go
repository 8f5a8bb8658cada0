package sqlstore

import (
	"strings"
	"time"

	"yuyue/booking"
)

func (t *Tx) ConsoleSession(tokenHash []byte) (booking.ConsoleSession, error) {
	var s booking.ConsoleSession
	var seen int64
	err := t.QueryRow(`SELECT seen_at, data FROM operator_sessions WHERE token_hash = ?`, tokenHash).Scan(&seen, &s.Data)
	s.SeenAt = fromMS(seen)
	return s, t.db.mapError(err, "session")
}

func (t *Tx) SaveConsoleSession(tokenHash []byte, s booking.ConsoleSession) error {
	res, err := t.Exec(`UPDATE operator_sessions SET seen_at = ?, data = ? WHERE token_hash = ?`, ms(s.SeenAt), s.Data, tokenHash)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return booking.Errorf(booking.ENotFound, "no such session")
	}
	return nil
}

func (t *Tx) CitizenHandle(citizenID int64, fresh string) (string, error) {
	if _, err := t.execMapped("citizen handle", `INSERT INTO citizen_handles (handle, citizen_id) VALUES (?, ?) ON CONFLICT (citizen_id) DO NOTHING`,
		fresh, citizenID); err != nil {
		return "", err
	}
	var h string
	err := t.QueryRow(`SELECT handle FROM citizen_handles WHERE citizen_id = ?`, citizenID).Scan(&h)
	return h, t.db.mapError(err, "citizen handle")
}

func (t *Tx) CitizenByHandle(handle string) (int64, error) {
	var id int64
	err := t.QueryRow(`SELECT citizen_id FROM citizen_handles WHERE handle = ?`, handle).Scan(&id)
	return id, t.db.mapError(err, "citizen")
}

func (t *Tx) CitizenHandles(ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := t.Query(`SELECT citizen_id, handle FROM citizen_handles WHERE citizen_id IN (?`+
		strings.Repeat(",?", len(ids)-1)+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var h string
		if err := rows.Scan(&id, &h); err != nil {
			return nil, err
		}
		out[id] = h
	}
	return out, rows.Err()
}

func (t *Tx) LoginCounts(keys []string, since time.Time) (map[string]booking.LoginCounts, error) {
	out := map[string]booking.LoginCounts{}
	for _, k := range keys {
		var c booking.LoginCounts
		var last int64
		if err := t.QueryRow(`SELECT count(*), coalesce(max(at), 0) FROM login_failures WHERE key = ? AND at > ?`,
			k, ms(since)).Scan(&c.N, &last); err != nil {
			return nil, err
		}
		c.Last = fromMS(last)
		out[k] = c
	}
	return out, nil
}

func (t *Tx) ReserveLoginAttempt(keys []string, attempt string, at time.Time) error {
	for _, k := range keys {
		if _, err := t.Exec(`INSERT INTO login_failures (key, at, attempt) VALUES (?, ?, ?)`, k, ms(at), attempt); err != nil {
			return err
		}
	}
	return nil
}

func (t *Tx) ClearLoginAttempt(attempt string) error {
	_, err := t.Exec(`DELETE FROM login_failures WHERE attempt = ? AND attempt != ''`, attempt)
	return err
}

func (t *Tx) PurgeConsole(now, idleBefore, failuresBefore time.Time) (int, int, error) {
	res, err := t.Exec(`DELETE FROM operator_sessions WHERE expires_at <= ? OR (seen_at > 0 AND seen_at < ?)`, ms(now), ms(idleBefore))
	if err != nil {
		return 0, 0, err
	}
	sessions, _ := res.RowsAffected()
	if res, err = t.Exec(`DELETE FROM login_failures WHERE at < ?`, ms(failuresBefore)); err != nil {
		return 0, 0, err
	}
	failures, _ := res.RowsAffected()
	return int(sessions), int(failures), nil
}
