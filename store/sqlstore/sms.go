package sqlstore

import (
	"cmp"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"time"

	"yuyue/booking"
)

// InsertCode adds a code; a new code replaces any earlier unused one for
// the same purpose. Where the engine runs an UPDATE inside a WITH
// (WithWrites) both are one statement, a round trip fewer on the writer
// for every code texted (the codes of a rush run one batch at a time
// across nodes: their round trips are the rush's wait for its codes). The
// UPDATE sees the statement's snapshot, as it did on its own before the
// INSERT: it never marks the new code.
//
// No guard: sms_codes has a generated key and one CHECK (unverified is 0
// or 1, which b2i guarantees); nothing here can violate either.
func (t *Tx) InsertCode(c *booking.VerificationCode) error {
	replace := []any{ms(c.CreatedAt), c.Phone, c.Purpose}
	row := []any{c.Phone, c.Purpose, c.Caller, c.Hash, ms(c.CreatedAt), ms(c.ExpiresAt), b2i(c.Unverified)}
	var err error
	if t.db.withWrites() {
		c.ID, err = t.insertRow("code", `WITH replaced AS (`+replaceCodes+`) `+insertCode, append(replace, row...)...)
		return err
	}
	if _, err := t.Exec(replaceCodes, replace...); err != nil {
		return err
	}
	c.ID, err = t.insertRow("code", insertCode, row...)
	return err
}

const (
	replaceCodes = `UPDATE sms_codes SET used_at = ? WHERE phone = ? AND purpose = ? AND used_at = 0`
	// updateCode counts a code's attempts on its own row: a write a
	// Guarded transaction may make (guardedWrites).
	updateCode = `UPDATE sms_codes SET attempts = ?, used_at = ? WHERE id = ?`
	insertCode = `INSERT INTO sms_codes (phone, purpose, caller, code_hash, created_at, expires_at, unverified) VALUES (?, ?, ?, ?, ?, ?, ?)`
)

func (t *Tx) LatestCode(phone, purpose string) (booking.VerificationCode, error) {
	var c booking.VerificationCode
	var created, expires, used int64
	err := t.QueryRow(`SELECT id, phone, purpose, caller, code_hash, created_at, expires_at, attempts, used_at
		FROM sms_codes WHERE phone = ? AND purpose = ? ORDER BY id DESC LIMIT 1`, phone, purpose).
		Scan(&c.ID, &c.Phone, &c.Purpose, &c.Caller, &c.Hash, &created, &expires, &c.Attempts, &used)
	c.CreatedAt, c.ExpiresAt, c.UsedAt = fromMS(created), fromMS(expires), fromMS(used)
	return c, t.db.mapError(err, "code")
}

func (t *Tx) UpdateCode(c booking.VerificationCode) error {
	_, err := t.Exec(updateCode, c.Attempts, ms(c.UsedAt), c.ID)
	return err
}

func (t *Tx) CountCodes(phone, caller string, since time.Time) (int, int, error) {
	var byPhone, byCaller int
	err := t.QueryRow(`SELECT
		(SELECT count(*) FROM sms_codes WHERE phone = ? AND created_at > ?),
		(SELECT count(*) FROM sms_codes WHERE caller = ? AND caller <> '' AND created_at > ?)`,
		phone, ms(since), caller, ms(since)).Scan(&byPhone, &byCaller)
	return byPhone, byCaller, err
}

// CountUnverifiedCodes counts codes sent since then, all numbers together,
// to numbers that had never passed a code.
func (t *Tx) CountUnverifiedCodes(since time.Time) (int, error) {
	var n int
	err := t.QueryRow(`SELECT count(*) FROM sms_codes WHERE unverified = 1 AND created_at > ?`, ms(since)).Scan(&n)
	return n, err
}

// PhoneKnown reports whether phone passed a code before (its verification
// record is kept for retention.messages) or belongs to an active citizen.
func (t *Tx) PhoneKnown(phone string) (bool, error) {
	var known bool
	err := t.QueryRow(`SELECT EXISTS (SELECT 1 FROM phone_verifications WHERE phone = ?)
		OR EXISTS (SELECT 1 FROM citizens WHERE phone = ? AND active = 1)`, phone, phone).Scan(&known)
	return known, err
}

// CodeQuota reads a known caller's code quota in one statement: what
// LastCodeAt, PhoneBlock, CountCodes, CountAnonymousCodes and PhoneKnown
// read one by one (eight statements on every code asked for), and, for a
// number not known when unverified is set, CountUnverifiedCodes. That
// count is in the CASE's other branch, which neither engine evaluates for
// a known number: on PostgreSQL a known caller's code does not read the
// range of the hour's unverified codes, which every new caller's code
// writes into. (The LIMIT keeps PostgreSQL from folding k into the
// outer query, which evaluated its EXISTS twice.)
func (t *Tx) CodeQuota(phone, caller string, now, hour, day time.Time, unverified bool) (booking.CodeQuota, error) {
	var q booking.CodeQuota
	var last int64
	err := t.QueryRow(`SELECT
		(SELECT coalesce(max(created_at), 0) FROM sms_codes WHERE phone = ?),
		coalesce((SELECT level FROM sms_phone_blocks WHERE phone = ? AND until > ?), ''),
		(SELECT count(*) FROM sms_codes WHERE phone = ? AND created_at > ? AND caller NOT LIKE 'anon:%'),
		(SELECT count(*) FROM sms_codes WHERE phone = ? AND created_at > ? AND caller NOT LIKE 'anon:%'),
		(SELECT count(*) FROM sms_codes WHERE caller = ? AND caller <> '' AND created_at > ?),
		k.known,
		CASE WHEN k.known OR ? = 0 THEN 0 ELSE (SELECT count(*) FROM sms_codes WHERE unverified = 1 AND created_at > ?) END
		FROM (SELECT EXISTS (SELECT 1 FROM phone_verifications WHERE phone = ?) OR EXISTS (SELECT 1 FROM citizens WHERE phone = ? AND active = 1) AS known LIMIT 1) k`,
		phone, phone, ms(now), phone, ms(hour), phone, ms(day), caller, ms(day), b2i(unverified), ms(hour), phone, phone).
		Scan(&last, &q.Block, &q.Hour, &q.Day, &q.CallerDay, &q.Known, &q.Unverified)
	q.Last = fromMS(last)
	return q, err
}

func (t *Tx) LastCodeAt(phone string) (time.Time, error) {
	var v sql.NullInt64
	err := t.QueryRow(`SELECT max(created_at) FROM sms_codes WHERE phone = ?`, phone).Scan(&v)
	return fromMS(v.Int64), err
}

// ClaimMessages marks due pending rows as sending and returns them codes
// first, then in id order (RETURNING promises no order on either engine),
// so a batch sends what a caller waits for first; how rows are
// claimed — by one process, or by nodes side by side — is the dialect's.
// A row left in sending by a crash is not retried (see RecoverSending).
func (t *Tx) ClaimMessages(now time.Time, limit int) ([]booking.OutboxItem, error) {
	if t.sqlTx == nil {
		return nil, errReadOnly
	}
	q, args := t.db.d.ClaimOutbox(ms(now), limit)
	rows, err := t.Query(q, args...)
	if err != nil {
		return nil, err
	}
	items, err := collect(rows, func(sc scanner) (booking.OutboxItem, error) {
		var m booking.OutboxItem
		var params string
		var created int64
		if err := sc.Scan(&m.ID, &m.To, &m.Kind, &params, &m.CitizenID, &m.BookingID, &m.Attempts, &created); err != nil {
			return m, err
		}
		m.CreatedAt = fromMS(created)
		return m, json.Unmarshal([]byte(params), &m.Params)
	})
	slices.SortFunc(items, func(a, b booking.OutboxItem) int {
		return cmp.Or(cmp.Compare(codeLast(a.Kind), codeLast(b.Kind)), cmp.Compare(a.ID, b.ID))
	})
	return items, err
}

// codeLast ranks a kind as the claim statements do: codes before the rest.
func codeLast(kind string) int {
	if kind == booking.MsgCode {
		return 0
	}
	return 1
}

// markSent and takeEarly are FinishMessage's two statements for a message
// sent.
const (
	markSent  = `UPDATE outbox SET status = 'sent', message_sid = ?, sent_at = ?, params = '{}', last_error = '', provider = ? WHERE id = ?`
	takeEarly = `DELETE FROM sms_early_status WHERE sid = ? RETURNING status, error_code`
)

// FinishMessage records a send attempt. Once a message has left (or may
// have), its parameters — a code among them — are scrubbed. A message sent
// takes the delivery statuses that arrived before its provider id was
// saved (applyEarly); where the engine runs an UPDATE inside a WITH
// (WithWrites) the record and the taking are one statement, a round trip
// fewer for every message sent. PostgreSQL runs a WITH's UPDATE to the end
// whether or not the DELETE reads it, and the DELETE's rows are another
// table's, so the pair does what the two statements did one after the
// other; the statuses taken are applied after it, when the row holds sid.
func (t *Tx) FinishMessage(r booking.SendResult) error {
	var err error
	switch r.Outcome {
	case booking.SendSent:
		sent := []any{r.SID, ms(r.At), r.Provider, r.ID}
		if t.db.withWrites() {
			err = t.applyEarly(r.SID, `WITH sent AS (`+markSent+`) `+takeEarly, append(sent, r.SID)...)
			break
		}
		_, err = t.Exec(markSent, sent...)
		if err == nil {
			err = t.applyEarly(r.SID, takeEarly, r.SID)
		}
	case booking.SendRetry:
		_, err = t.Exec(`UPDATE outbox SET status = 'pending', next_attempt_at = ?, last_error = ?, provider = ? WHERE id = ?`,
			ms(r.NextTryAt), r.Error, r.Provider, r.ID)
	case booking.SendFailed, booking.SendUnknown:
		_, err = t.Exec(`UPDATE outbox SET status = ?, params = '{}', last_error = ?, provider = ? WHERE id = ?`,
			string(r.Outcome), r.Error, r.Provider, r.ID)
	default:
		err = errors.New("unknown send outcome " + string(r.Outcome))
	}
	return err
}

// RecoverSending marks rows a stopped worker left in sending as unknown:
// they may have reached Twilio, so they are not sent again blindly. Which
// rows are this process's to recover is the dialect's.
func (t *Tx) RecoverSending() (int, error) {
	q, args := t.db.d.RecoverSending()
	res, err := t.Exec(q, args...)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// deliveryRank orders Twilio's message statuses; a status never replaces a
// later one (a late "sent" callback must not overwrite "delivered").
var deliveryRank = map[string]int{
	"": 0, "accepted": 1, "scheduled": 1, "queued": 2, "sending": 3, "sent": 4,
	"delivered": 5, "undelivered": 5, "failed": 5, "read": 6, "canceled": 5,
	// Some parts of a multi-part message arrived: final, but short of read.
	"partially_delivered": 5,
}

// SetDeliveryStatus records a Twilio status callback; one that arrives
// before the send saved its MessageSid is kept and applied then.
func (t *Tx) SetDeliveryStatus(sid, status, errorCode string) (bool, error) {
	return t.SetDeliveryReport(sid, 0, status, errorCode)
}

func (t *Tx) OutboxStats() (booking.OutboxStats, error) {
	rows, err := t.Query(`SELECT status, count(*) FROM outbox GROUP BY status`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	st := booking.OutboxStats{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		st[s] = n
	}
	return st, rows.Err()
}

func (t *Tx) ClaimInbound(sid, from string, now time.Time) (string, bool, error) {
	res, err := t.Exec(`INSERT INTO sms_inbound (message_sid, from_phone, received_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`, sid, from, ms(now))
	if err != nil {
		return "", false, err
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return "", true, nil
	}
	var reply string
	err = t.QueryRow(`SELECT reply FROM sms_inbound WHERE message_sid = ?`, sid).Scan(&reply)
	return reply, false, err
}

func (t *Tx) SetInboundReply(sid, reply string) error {
	_, err := t.Exec(`UPDATE sms_inbound SET reply = ? WHERE message_sid = ?`, reply, sid)
	return err
}

func (t *Tx) AddDevMessage(m booking.DevMessage) error {
	_, err := t.Exec(`INSERT INTO dev_inbox (to_phone, kind, body, template, template_params, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		m.To, m.Kind, m.Body, m.Template, m.TemplateParams, ms(m.CreatedAt))
	return err
}

func (t *Tx) DevMessages(to string, limit int) ([]booking.DevMessage, error) {
	rows, err := t.Query(`SELECT id, to_phone, kind, body, template, template_params, created_at FROM dev_inbox WHERE ? = '' OR to_phone = ? ORDER BY id DESC LIMIT ?`, to, to, limit)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(sc scanner) (booking.DevMessage, error) {
		var m booking.DevMessage
		var at int64
		err := sc.Scan(&m.ID, &m.To, &m.Kind, &m.Body, &m.Template, &m.TemplateParams, &at)
		m.CreatedAt = fromMS(at)
		return m, err
	})
}
