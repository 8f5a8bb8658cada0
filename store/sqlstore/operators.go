package sqlstore

import (
	"time"

	"yuyue/booking"
)

func (t *Tx) InsertOperator(o *booking.Operator) error {
	id, err := t.insertID("operator", `INSERT INTO operators (name, role, office, password_hash, active, must_change_password, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		o.Name, o.Role, o.Office, o.PasswordHash, b2i(o.Active), b2i(o.MustChangePassword), ms(o.CreatedAt), ms(o.CreatedAt))
	o.ID = id
	return err
}

const operatorColumns = `id, name, role, office, password_hash, active, must_change_password, created_at, updated_at`

func scanOperatorRow(r scanner) (booking.Operator, error) {
	var o booking.Operator
	var created, updated int64
	err := r.Scan(&o.ID, &o.Name, &o.Role, &o.Office, &o.PasswordHash, &o.Active, &o.MustChangePassword, &created, &updated)
	o.CreatedAt, o.UpdatedAt = fromMS(created), fromMS(updated)
	return o, err
}

func (t *Tx) scanOperator(q string, arg any) (booking.Operator, error) {
	o, err := scanOperatorRow(t.QueryRow(`SELECT `+operatorColumns+` FROM operators WHERE `+q, arg))
	return o, t.db.mapError(err, "operator")
}

func (t *Tx) Operators() ([]booking.Operator, error) {
	rows, err := t.Query(`SELECT ` + operatorColumns + ` FROM operators ORDER BY name`)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanOperatorRow)
}

func (t *Tx) UpdateOperator(o booking.Operator) error {
	res, err := t.execMapped("operator", `UPDATE operators SET role = ?, office = ?, password_hash = ?, active = ?, must_change_password = ?, updated_at = ?
		WHERE id = ?`, o.Role, o.Office, o.PasswordHash, b2i(o.Active), b2i(o.MustChangePassword), ms(o.UpdatedAt), o.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return booking.Errorf(booking.ENotFound, "no such operator")
	}
	return nil
}

func (t *Tx) DeleteOperatorSessions(operatorID int64) error {
	_, err := t.Exec(`DELETE FROM operator_sessions WHERE operator_id = ?`, operatorID)
	return err
}

func (t *Tx) OperatorByName(name string) (booking.Operator, error) {
	return t.scanOperator("name = ?", name)
}

func (t *Tx) OperatorByID(id int64) (booking.Operator, error) { return t.scanOperator("id = ?", id) }

func (t *Tx) InsertOperatorSession(s booking.OperatorSession) error {
	_, err := t.Exec(`INSERT INTO operator_sessions (token_hash, operator_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
		s.TokenHash, s.OperatorID, s.CSRF, ms(s.CreatedAt), ms(s.ExpiresAt))
	return err
}

func (t *Tx) OperatorSession(tokenHash []byte, now time.Time) (booking.OperatorSession, error) {
	var s booking.OperatorSession
	var c, e int64
	err := t.QueryRow(`SELECT token_hash, operator_id, csrf, created_at, expires_at FROM operator_sessions WHERE token_hash = ? AND expires_at > ?`,
		tokenHash, ms(now)).Scan(&s.TokenHash, &s.OperatorID, &s.CSRF, &c, &e)
	s.CreatedAt, s.ExpiresAt = fromMS(c), fromMS(e)
	return s, t.db.mapError(err, "session")
}

func (t *Tx) DeleteOperatorSession(tokenHash []byte) error {
	_, err := t.Exec(`DELETE FROM operator_sessions WHERE token_hash = ?`, tokenHash)
	return err
}

func (t *Tx) LoginFailures(keys []string, since time.Time) (int, error) {
	n := 0
	for _, k := range keys {
		var c int
		if err := t.QueryRow(`SELECT count(*) FROM login_failures WHERE key = ? AND at > ?`, k, ms(since)).Scan(&c); err != nil {
			return 0, err
		}
		n = max(n, c)
	}
	return n, nil
}

func (t *Tx) RecordLoginFailure(keys []string, at time.Time) error {
	for _, k := range keys {
		if _, err := t.Exec(`INSERT INTO login_failures (key, at) VALUES (?, ?)`, k, ms(at)); err != nil {
			return err
		}
	}
	return nil
}
