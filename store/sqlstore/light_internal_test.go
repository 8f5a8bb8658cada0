package sqlstore

import "testing"

// A light transaction allows reads however they are laid out and the
// call's own writes, refuses every other write, and remembers refusing.
func TestLightGuardAllowsOnlyTheCallsOwnWrites(t *testing.T) {
	for _, q := range []string{
		"SELECT id FROM places WHERE id = ?",
		"SELECT\n\t\t(SELECT count(*) FROM sms_codes WHERE phone = ?),\n\t\t(SELECT 1)",
		"\n  select 1",
		"UPDATE call_sessions SET step = ?, seq = ? WHERE call_sid = ? AND seq = ?",
		"INSERT INTO call_events (call_sid, seq) VALUES (?, ?)",
		"INSERT INTO call_sessions (call_sid) VALUES (?)",
		"SAVEPOINT g", "RELEASE SAVEPOINT g", "ROLLBACK TO SAVEPOINT g",
	} {
		g := &lightGuard{}
		if err := g.allow(q); err != nil || g.refused {
			t.Errorf("refused %q", q)
		}
	}
	for _, q := range []string{
		"UPDATE places SET taken = taken + 1 WHERE id = ? AND taken < capacity",
		"INSERT INTO outbox (to_phone) VALUES (?)",
		"INSERT\nINTO outbox (to_phone) VALUES (?)",
		"update call_sessions set step = ?", // not written as the store writes it: refused, never let through
		"WITH x AS (UPDATE places SET taken = 0 RETURNING id) SELECT id FROM x",
		"DELETE FROM call_sessions WHERE call_sid = ?",
	} {
		g := &lightGuard{}
		if err := g.allow(q); err == nil || !g.refused {
			t.Errorf("allowed %q", q)
		}
	}
	var none *lightGuard
	if err := none.allow("DELETE FROM bookings"); err != nil {
		t.Error("a serial transaction was refused a write")
	}
	if verbOf("SELECT\n\t1") != "SELECT" || verbOf("  update x") != "UPDATE" {
		t.Error("verbOf")
	}
}
