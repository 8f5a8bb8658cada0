package sqlstore

import (
	"testing"
	"time"
)

// qualify prefixes columns only: not a function's name, not what is
// inside a string literal, and a name with digits whole.
func TestQualify(t *testing.T) {
	got := qualify("b", "id, coalesce(reference, 'none'), date2,\n\tstatus")
	if want := "b.id, coalesce(b.reference, 'none'), b.date2,\n\tb.status"; got != want {
		t.Fatalf("qualify: %q, want %q", got, want)
	}
}

// msAfter rounds up to the millisecond: a whole millisecond stays itself.
func TestMsAfter(t *testing.T) {
	base := time.UnixMilli(1_800_000_000_000)
	for _, c := range []struct {
		t    time.Time
		want int64
	}{{base, 1_800_000_000_000}, {base.Add(time.Microsecond), 1_800_000_000_001}, {base.Add(-time.Microsecond), 1_800_000_000_000}} {
		if got := msAfter(c.t); got != c.want {
			t.Errorf("msAfter(%v) = %d, want %d", c.t, got, c.want)
		}
	}
}
