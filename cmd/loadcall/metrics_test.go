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
