package booking

import "time"

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
