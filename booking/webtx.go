package booking

import (
	"context"
	"time"
)

// WebTx is what the web and app channels add to a transaction: what they
// keep server-side instead of in a URL, and the anonymous code budgets.
type WebTx interface {
	// PutSiteMessage keeps msg for the next page of the browser with the
	// given key (the SHA-256 of its cookie), replacing any earlier one.
	PutSiteMessage(browser []byte, msg string, at time.Time) error
	// TakeSiteMessage returns and forgets the browser's message ("" if
	// none or older than since).
	TakeSiteMessage(browser []byte, since time.Time) (string, error)
	// BookingHandle returns the booking's opaque console handle, storing
	// fresh when it has none yet.
	BookingHandle(bookingID int64, fresh string) (string, error)
	// BookingByHandle returns the booking id a handle stands for.
	BookingByHandle(handle string) (int64, error)
	// CountAnonymousCodes counts the codes to phone since then that
	// requests without a session asked for (caller "anon:…").
	CountAnonymousCodes(phone string, since time.Time) (int, error)
}

// PutSiteMessage keeps msg for the next page of the browser whose cookie
// hashes to browser, replacing any earlier one.
func (s *Service) PutSiteMessage(ctx context.Context, browser []byte, msg string) error {
	return s.store.InTx(ctx, func(tx Tx) error { return tx.PutSiteMessage(browser, msg, s.Now()) })
}

// TakeSiteMessage returns and forgets the browser's message, "" when there
// is none or it is older than since.
func (s *Service) TakeSiteMessage(ctx context.Context, browser []byte, since time.Time) (msg string, err error) {
	err = s.store.InTx(ctx, func(tx Tx) (err error) { msg, err = tx.TakeSiteMessage(browser, since); return err })
	return msg, err
}
