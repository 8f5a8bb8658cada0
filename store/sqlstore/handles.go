package sqlstore

import (
	"time"

	"yuyue/booking"
)

func (t *Tx) PutSiteMessage(browser []byte, msg string, at time.Time) error {
	_, err := t.Exec(`INSERT INTO site_messages (browser, message, created_at) VALUES (?, ?, ?)
		ON CONFLICT (browser) DO UPDATE SET message = excluded.message, created_at = excluded.created_at`, browser, msg, ms(at))
	return err
}

func (t *Tx) TakeSiteMessage(browser []byte, since time.Time) (string, error) {
	var msg string
	err := t.QueryRow(`SELECT message FROM site_messages WHERE browser = ? AND created_at > ?`, browser, ms(since)).Scan(&msg)
	if err = t.db.mapError(err, "message"); booking.ErrorCode(err) == booking.ENotFound {
		return "", nil
	} else if err != nil {
		return "", err
	}
	_, err = t.Exec(`DELETE FROM site_messages WHERE browser = ?`, browser)
	return msg, err
}

func (t *Tx) BookingHandle(bookingID int64, fresh string) (string, error) {
	if _, err := t.execMapped("booking handle", `INSERT INTO booking_handles (handle, booking_id) VALUES (?, ?) ON CONFLICT (booking_id) DO NOTHING`,
		fresh, bookingID); err != nil {
		return "", err
	}
	var h string
	err := t.QueryRow(`SELECT handle FROM booking_handles WHERE booking_id = ?`, bookingID).Scan(&h)
	return h, t.db.mapError(err, "booking handle")
}

func (t *Tx) BookingByHandle(handle string) (int64, error) {
	var id int64
	err := t.QueryRow(`SELECT booking_id FROM booking_handles WHERE handle = ?`, handle).Scan(&id)
	return id, t.db.mapError(err, "booking")
}

func (t *Tx) CountAnonymousCodes(phone string, since time.Time) (int, error) {
	var n int
	err := t.QueryRow(`SELECT count(*) FROM sms_codes WHERE phone = ? AND created_at > ? AND caller LIKE 'anon:%'`,
		phone, ms(since)).Scan(&n)
	return n, err
}
