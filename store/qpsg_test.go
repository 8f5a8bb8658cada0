package store_test

import (
	"database/sql"
	"strings"
	"testing"

	"yuyue/store/storetest"
)

// Every connection runs with SQLite's query planner stability guarantee
// (store/qpsg.go): a plan never depends on a bound value, so a prepared
// statement is not parsed and planned again on each run. The sign of it is
// a partial index: citizens_phone_active (phone) WHERE active = 1 serves
// "active = 1" written out, and not "active = ?" bound to 1, which only a
// plan made for that value could use.
func TestSQLitePlansDoNotDependOnBoundValues(t *testing.T) {
	st := storetest.OpenSQLite(t)
	plan := func(db *sql.DB, query string, args ...any) string {
		t.Helper()
		rows, err := db.Query("EXPLAIN QUERY PLAN "+query, args...)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var steps []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			steps = append(steps, detail)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return strings.Join(steps, "; ")
	}
	for name, db := range map[string]*sql.DB{"writer": st.Writer(), "reader": st.Reader()} {
		literal := plan(db, `SELECT id FROM citizens WHERE phone = ? AND active = 1`, storetest.Phone(1))
		if !strings.Contains(literal, "citizens_phone_active (phone=?)") {
			t.Errorf("%s: the partial index is not used with its condition written out: %s", name, literal)
		}
		bound := plan(db, `SELECT id FROM citizens WHERE phone = ? AND active = ?`, storetest.Phone(1), 1)
		if strings.Contains(bound, "citizens_phone_active") {
			t.Errorf("%s: the plan was made for the bound value (%s): such a statement is planned again on every run", name, bound)
		}
	}
}
