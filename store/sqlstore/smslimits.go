package sqlstore

import (
	"database/sql"
	"errors"
	"time"
)

// BlockPhone also drops blocks that ended a day before until.
func (t *Tx) BlockPhone(phone, level string, until time.Time) error {
	if _, err := t.Exec(`DELETE FROM sms_phone_blocks WHERE until < ?`, ms(until.Add(-48*time.Hour))); err != nil {
		return err
	}
	_, err := t.Exec(`INSERT INTO sms_phone_blocks (phone, level, until) VALUES (?, ?, ?)
		ON CONFLICT (phone) DO UPDATE SET level = excluded.level, until = excluded.until
		WHERE excluded.until > sms_phone_blocks.until`, phone, level, ms(until))
	return err
}

func (t *Tx) PhoneBlock(phone string, now time.Time) (string, error) {
	var level string
	err := t.QueryRow(`SELECT level FROM sms_phone_blocks WHERE phone = ? AND until > ?`, phone, ms(now)).Scan(&level)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return level, err
}

func (t *Tx) PendingUps(staleBefore, since time.Time, limit int) ([]string, error) {
	rows, err := t.Query(`SELECT sequence_id FROM sms_up WHERE handled_at = 0 AND claimed_at <= ? AND received_at > ?
		ORDER BY received_at LIMIT ?`, ms(staleBefore), ms(since), limit)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(sc scanner) (string, error) {
		var s string
		return s, sc.Scan(&s)
	})
}

func (t *Tx) RecentSends(to string, since time.Time) ([][]byte, error) {
	rows, err := t.Query(`SELECT body_hash FROM sms_recent_sends WHERE to_phone = ? AND sent_at > ?`, to, ms(since))
	if err != nil {
		return nil, err
	}
	return collect(rows, func(sc scanner) ([]byte, error) {
		var h []byte
		return h, sc.Scan(&h)
	})
}

// RecordSend keeps one send's body hash and returns the hashes sent to to
// after since, before this one. It also drops hashes older than two days,
// at most once a minute of send times per process: only the last day
// counts, so the table stays small without a purge job. Run on every send,
// the purge was a statement more in each send's transaction and, on
// PostgreSQL, a read of the table's oldest rows that two nodes' sends
// failed each other on. A purge undone with its transaction waits for the
// next minute.
//
// The sends to one number are recorded one after another, whatever the
// isolation of the transaction: where writers run side by side
// (KeyLocker) RecordSend first takes the number's lock, held to the end
// of the transaction, so a READ COMMITTED transaction (the outbox's
// queue transactions, where it runs) reads every send to the number
// committed before it, and no other is recorded until it ends. Two nodes
// so cannot both take a number's last place of the day.
//
// Where the engine runs an INSERT inside a WITH (WithWrites) the read and
// the record are one statement, a round trip fewer for every send the
// China guard checks than a read and an insert apart (the number's lock
// before them is a round trip of its own). Every part of one PostgreSQL
// statement reads the same snapshot, so the hashes read do not include the row inserted, as
// when the read ran first.
func (t *Tx) RecordSend(to string, hash []byte, at, since time.Time) (int64, [][]byte, error) {
	if t.sqlTx == nil {
		return 0, nil, errReadOnly
	}
	// The purge may wait for another node's purge of the same rows: only
	// before the transaction holds a number's lock, never while it does.
	if last := t.db.sendsPurgedAt.Load(); t.sp.keys == 0 && (at.UnixMilli()-last >= time.Minute.Milliseconds() || at.UnixMilli() < last) {
		if _, err := t.Exec(`DELETE FROM sms_recent_sends WHERE sent_at < ?`, ms(at.Add(-48*time.Hour))); err != nil {
			return 0, nil, err
		}
		t.db.sendsPurgedAt.Store(at.UnixMilli())
	}
	if err := t.lockKey(SendsKey(to)); err != nil {
		return 0, nil, err
	}
	if t.db.withWrites() {
		return t.recordSendWith(to, hash, at, since)
	}
	sent, err := t.RecentSends(to, since)
	if err != nil {
		return 0, nil, err
	}
	var id int64
	err = t.QueryRow(recordSend+` RETURNING id`, to, hash, ms(at)).Scan(&id)
	return id, sent, err
}

// recordSend is RecordSend's INSERT.
const recordSend = `INSERT INTO sms_recent_sends (to_phone, body_hash, sent_at) VALUES (?, ?, ?)`

// recordSendWith is RecordSend's read and record in one statement: a row
// per hash read, or one with no hash when there is none.
func (t *Tx) recordSendWith(to string, hash []byte, at, since time.Time) (int64, [][]byte, error) {
	rows, err := t.Query(`WITH added AS (`+recordSend+` RETURNING id),
		sent AS (SELECT body_hash FROM sms_recent_sends WHERE to_phone = ? AND sent_at > ?)
		SELECT added.id, sent.body_hash FROM added LEFT JOIN sent ON true`,
		to, hash, ms(at), to, ms(since))
	if err != nil {
		return 0, nil, err
	}
	type row struct {
		id   int64
		hash []byte // nil on the one row when nothing was sent before
	}
	rs, err := collect(rows, func(sc scanner) (r row, err error) { return r, sc.Scan(&r.id, &r.hash) })
	if err != nil {
		return 0, nil, err
	}
	var id int64
	var sent [][]byte
	for _, r := range rs {
		id = r.id // the same on every row
		if r.hash != nil {
			sent = append(sent, r.hash)
		}
	}
	return id, sent, nil
}

func (t *Tx) ForgetSend(id int64) error {
	_, err := t.Exec(`DELETE FROM sms_recent_sends WHERE id = ?`, id)
	return err
}

// SendsKey names the lock RecordSend takes on the sends to a number.
func SendsKey(to string) string { return "sms sends to " + to }

// errKeyBusy is a keyed lock another transaction holds, asked for by a
// transaction that holds one already (lockKey).
var errKeyBusy = errors.New("store: a keyed lock is held by another transaction; the work runs again alone")

// lockKey takes the lock named key until the transaction ends, where the
// engine's writers run side by side (KeyLocker); elsewhere it does
// nothing. Only a transaction's first keyed lock is waited for. A shared
// batch of the outbox's work can take several (one per number its sends
// go to), and two nodes' batches taking the same two in opposite orders
// would wait for each other until PostgreSQL broke the deadlock, a second
// later (deadlock_timeout), with both nodes' outboxes stopped meanwhile.
// So a later lock is only tried: held elsewhere, the unit fails with
// errKeyBusy, its batch is rolled back (letting go of its locks), and its
// requests run again each alone, where each waits for its one lock.
func (t *Tx) lockKey(key string) error {
	l, ok := t.db.d.(KeyLocker)
	if !ok {
		return nil
	}
	if t.sqlTx == nil {
		return errReadOnly
	}
	q, args := l.LockKey(key, t.sp.keys == 0)
	var got bool
	if err := t.QueryRow(q, args...).Scan(&got); err != nil {
		return err
	}
	if !got {
		return errKeyBusy
	}
	t.sp.keys++
	return nil
}
