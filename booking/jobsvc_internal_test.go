package booking

import (
	"maps"
	"testing"
)

// dryPurgeResult marks what a bounded dry run may have left uncounted:
// a kind at the bound, and the whole citizen chain when any link of it is.
func TestDryPurgeResultMarksWhatMayHaveMore(t *testing.T) {
	for _, c := range []struct {
		name  string
		in    PurgeResult
		limit int
		want  PurgeResult
	}{
		{"unbounded: everything was counted", PurgeResult{"codes": 5000, "bookings": 3000}, 0,
			PurgeResult{"codes": 5000, "bookings": 3000}},
		{"nothing reported", nil, 1000, PurgeResult{}},
		{"under the bound", PurgeResult{"codes": 999, "citizens": 2}, 1000,
			PurgeResult{"codes": 999, "citizens": 2}},
		{"a kind at the bound, outside the citizen chain", PurgeResult{"codes": 1000, "citizens": 2, "audit": 3}, 1000,
			PurgeResult{"codes_at_least": 1000, "citizens": 2, "audit": 3}},
		{"bookings at the bound: the chain waits on them", PurgeResult{"bookings": 1000, "waitlist": 1, "accounts": 0, "account_tokens": 4, "citizens": 0, "audit": 3}, 1000,
			PurgeResult{"bookings_at_least": 1000, "waitlist_at_least": 1, "accounts_at_least": 0, "account_tokens_at_least": 4, "citizens_at_least": 0, "audit": 3}},
		{"citizens at the bound", PurgeResult{"bookings": 10, "citizens": 1000}, 1000,
			PurgeResult{"bookings_at_least": 10, "citizens_at_least": 1000}},
	} {
		if got := dryPurgeResult(c.in, c.limit); !maps.Equal(got, c.want) {
			t.Errorf("%s: dryPurgeResult(%v, %d) = %v, want %v", c.name, c.in, c.limit, got, c.want)
		}
	}
}
