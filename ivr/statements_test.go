package ivr_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"yuyue/store/sqlstore"
)

// stepCost is what one webhook cost the database.
type stepCost struct {
	step string
	d    sqlstore.StatementStats
}

func diff(a, b sqlstore.StatementStats) sqlstore.StatementStats {
	return sqlstore.StatementStats{Reads: b.Reads - a.Reads, PoolReads: b.PoolReads - a.PoolReads, Writes: b.Writes - a.Writes, Savepoints: b.Savepoints - a.Savepoints,
		SavepointTrips: b.SavepointTrips - a.SavepointTrips, Commits: b.Commits - a.Commits, Requests: b.Requests - a.Requests}
}

// measure presses keys at the phone's current step and returns what that
// one webhook ran.
func measure(p *phone, keys string) stepCost {
	p.h.t.Helper()
	step := p.step()
	before := p.h.e.StatementStats()
	p.press(keys)
	return stepCost{step, diff(before, p.h.e.StatementStats())}
}

// TestStatementsPerStep walks a registered caller through a whole booking
// and counts each webhook's statements: every step is at most one write
// transaction, and the table (set YUYUE_STATEMENTS_REPORT to a file to keep
// it) is the statements-per-step figure of the rush report.
func TestStatementsPerStep(t *testing.T) {
	h := newHarness(t, true)
	c := h.e.Citizen(t, 2)
	p := h.dial(c.Phone)
	var costs []stepCost
	costs = append(costs, measure(p.expect("menu"), "1"))
	code := p.code(c.Phone)
	for _, k := range []struct{ step, keys string }{
		{"code", code}, {"mode", "2"}, {"district", "2"}, {"office", "1"}, {"business", "1"},
		{"notice", "1"}, {"date", "2"}, {"period", "2"}, {"confirm", "1"},
	} {
		costs = append(costs, measure(p.expect(k.step), k.keys))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "| step | reads | on the writer | writes | savepoints | savepoint trips | commits |\n| --- | --- | --- | --- | --- | --- | --- |\n")
	var total sqlstore.StatementStats
	for _, c := range costs {
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %d | %d | %d |\n", c.step, c.d.Reads, c.d.Reads-c.d.PoolReads, c.d.Writes, c.d.Savepoints, c.d.SavepointTrips, c.d.Commits)
		total.Reads, total.PoolReads, total.Writes, total.Savepoints, total.SavepointTrips, total.Commits = total.Reads+c.d.Reads, total.PoolReads+c.d.PoolReads,
			total.Writes+c.d.Writes, total.Savepoints+c.d.Savepoints, total.SavepointTrips+c.d.SavepointTrips, total.Commits+c.d.Commits
		if c.d.Requests > 1 {
			t.Errorf("step %s ran %d write transactions, want at most one", c.step, c.d.Requests)
		}
	}
	fmt.Fprintf(&b, "| **call** | %d | %d | %d | %d | %d | %d |\n", total.Reads, total.Reads-total.PoolReads, total.Writes, total.Savepoints, total.SavepointTrips, total.Commits)
	t.Logf("statements per step (registered caller, booking by office):\n%s", b.String())
	if path := os.Getenv("YUYUE_STATEMENTS_REPORT"); path != "" {
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestReplayedWebhookWritesNothing: Twilio retries a webhook (and may post
// it to the fallback URL); the repeat replays the prompt from what is
// stored and writes nothing.
func TestReplayedWebhookWritesNothing(t *testing.T) {
	h := newHarness(t, true)
	c := h.e.Citizen(t, 2)
	p := h.dial(c.Phone)
	p.expect("menu").press("1")
	p.expect("code").press(p.code(c.Phone))
	p.expect("mode").press("2")
	p.expect("district").press("2")
	last := p.history[len(p.history)-1]
	for _, r := range []request{last, p.history[len(p.history)-2]} { // the newest post, and a stale one
		before := h.e.StatementStats()
		if code, _ := h.post(r.path, r.form); code != 200 {
			t.Fatalf("replay %s: %d", r.path, code)
		}
		if d := diff(before, h.e.StatementStats()); d.Writes != 0 || d.Requests != 0 {
			t.Fatalf("replay of %s wrote: %+v", r.path, d)
		}
	}
	p.expect("office")
}
