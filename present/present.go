// Package present is what the two citizen channels on HTTP, the site (web)
// and the JSON API (api), share in showing the domain: the view models of
// bookings, the catalog and free places; the Chinese text of every domain
// error; the per-address and per-account rate limits; and the request of a
// verification code with the answer it gets. It holds no rules (those are in
// booking) and knows no HTTP framework.
package present

// Limits are the request rates the site and the API allow (web.* keys).
type Limits struct {
	IPRate, AccountRate   float64
	IPBurst, AccountBurst int
	MaxBody               int // bytes
}
