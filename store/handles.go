package store

import (
	"time"

	"yuyue/booking"
)

func (t *tx) PutSiteMessage(browser []byte, msg string, at time.Time) error {
	_, err := t.Exec(`INSERT INTO site_messages (browser, message, created_at) VALUES (?, ?, ?)
		ON CONFLICT (browser) DO UPDATE SET message = excluded.message, created_at = excluded.created_at`, browser, msg, ms(at))
	return err
}

func (t *tx) TakeSiteMessage(browser []byte, since time.Time) (string, error) {
	var msg string
	err := t.QueryRow(`SELECT message FROM site_messages WHERE browser = ? AND created_at > ?`, browser, ms(since)).Scan(&msg)
	if err = mapError(err, "message"); booking.ErrorCode(err) == booking.ENotFound {
		return "", nil
	} else if err != nil {
		return "", err
	}
	_, err = t.Exec(`DELETE FROM site_messages WHERE browser = ?`, browser)
	return msg, err
}

func (t *tx) BookingHandle(bookingID int64, fresh string) (string, error) {
	if _, err := t.Exec(`INSERT INTO booking_handles (handle, booking_id) VALUES (?, ?) ON CONFLICT (booking_id) DO NOTHING`,
		fresh, bookingID); err != nil {
		return "", mapError(err, "booking handle")
	}
	var h string
	err := t.QueryRow(`SELECT handle FROM booking_handles WHERE booking_id = ?`, bookingID).Scan(&h)
	return h, mapError(err, "booking handle")
}

func (t *tx) BookingByHandle(handle string) (int64, error) {
	var id int64
	err := t.QueryRow(`SELECT booking_id FROM booking_handles WHERE handle = ?`, handle).Scan(&id)
	return id, mapError(err, "booking")
}

func (t *tx) CountAnonymousCodes(phone string, since time.Time) (int, error) {
	var n int
	err := t.QueryRow(`SELECT count(*) FROM sms_codes WHERE phone = ? AND created_at > ? AND caller LIKE 'anon:%'`,
		phone, ms(since)).Scan(&n)
	return n, err
}
