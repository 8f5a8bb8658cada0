package postgres_test

import (
	"testing"
)

// A transaction left idle (a node frozen mid-write) is ended by the server,
// so the writer lock it holds cannot stop the other nodes for good.
func TestIdleTransactionTimeoutSet(t *testing.T) {
	a, _ := pgPair(t)
	var v string
	if err := a.Reader().QueryRow(`SHOW idle_in_transaction_session_timeout`).Scan(&v); err != nil || v != "15s" {
		t.Fatalf("idle_in_transaction_session_timeout = %q (%v), want 15s", v, err)
	}
}
