package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
)

// metricByLabel reads each series of a labelled counter from a node's
// /metrics as Prometheus writes it, and byCount lists them largest first.
func TestMetricByLabelReadsEachSeries(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, `# HELP yuyue_store_given_up_units_total Units.
# TYPE yuyue_store_given_up_units_total counter
yuyue_store_given_up_units_total{work="ivr.code"} 12
yuyue_store_given_up_units_total{work="other"} 3
yuyue_store_given_up_units_total{work="ivr.confirm"} 12
yuyue_store_given_up_units_totally{work="x"} 9
yuyue_store_retries_total 7
`)
	}))
	defer srv.Close()
	m, err := metricByLabel(srv.URL, "yuyue_store_given_up_units_total", "work")
	if err != nil {
		t.Fatal(err)
	}
	if len(m) != 3 || m["ivr.code"] != 12 || m["other"] != 3 || m["ivr.confirm"] != 12 {
		t.Fatalf("read %v", m)
	}
	if got, want := byCount(m), "ivr.code 12, ivr.confirm 12, other 3"; got != want {
		t.Errorf("byCount: %q, want %q", got, want)
	}
}

// trips sums what each node counted and divides it by the steps answered;
// Total counts every statement once and each transaction and turn twice
// (BEGIN and its end, the lock and its release). A node that does not
// answer leaves no figure rather than a low one.
func TestTripsSumTheNodesPerStep(t *testing.T) {
	node := func(reads, pool, writes, sps, begun, commits, units, code, conflict int) *server {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			fmt.Fprintf(w, `# HELP yuyue_store_statements_total Statements.
# TYPE yuyue_store_statements_total counter
yuyue_store_statements_total{kind="read"} %d
yuyue_store_statements_total{kind="pool_read"} %d
yuyue_store_statements_total{kind="write"} %d
yuyue_store_statements_total{kind="savepoint"} %d
yuyue_store_transactions_total %d
yuyue_store_commits_total %d
yuyue_store_write_requests_total %d
yuyue_store_turns_total{turn="code"} %d
yuyue_store_turns_total{turn="conflict"} %d
`, reads, pool, writes, sps, begun, commits, units, code, conflict)
		}))
		t.Cleanup(srv.Close)
		return &server{admin: srv.URL}
	}
	a, b := node(30, 100, 120, 20, 12, 10, 90, 1, 4), node(34, 100, 130, 30, 38, 30, 110, 3, 2)
	got := (&cluster{nodes: []*server{a, b}}).trips(100)
	want := roundTrips{Steps: 100, Reads: 0.64, PoolReads: 2, Writes: 2.5, Savepoints: 0.5, Transactions: 0.5, Commits: 0.4, Units: 2, CodeTurns: 0.04, ConflictTurns: 0.06}
	if got == nil || *got != want {
		t.Fatalf("trips = %+v, want %+v", got, want)
	}
	if total := got.Total(); total < 6.839 || total > 6.841 {
		t.Errorf("Total = %v, want 0.64+2+2.5+0.5+2×0.5+2×0.1 = 6.84", total)
	}
	if (&cluster{nodes: []*server{a}}).trips(0) != nil {
		t.Error("trips of a run with no step answered is not nil")
	}
	old := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, "yuyue_store_commits_total 5\n") }))
	defer old.Close()
	if tr := (&cluster{nodes: []*server{a, {admin: old.URL}}}).trips(10); tr != nil {
		t.Errorf("one node without the statement counter: %+v, want nil", tr)
	}
}
