package sms

import (
	"net/http"
	"time"
)

// keptConns is how many idle connections a provider client keeps to its
// API host: at least as many as the outbox has sends in flight
// (sms.concurrency), so that a rush of codes reuses warm connections.
const keptConns = 256

// providerTransport is the HTTP transport every send to a provider uses.
// Go's default transport keeps only two idle connections per host, so with
// more sends in flight each of the others opened a connection — a TLS
// handshake to the provider per message — and closed it again.
func providerTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = keptConns
	t.MaxIdleConnsPerHost = keptConns
	t.IdleConnTimeout = 90 * time.Second
	return t
}
