package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestSummarize(t *testing.T) {
	var ds []time.Duration
	for i := 1; i <= 1000; i++ { // 1 ms … 1000 ms
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	s := summarize(ds)
	if s.Count != 1000 || s.P50 != 501 || s.P90 != 901 || s.P99 != 991 || s.Max != 1000 {
		t.Fatalf("%+v", s)
	}
	if summarize(nil) != (summary{}) {
		t.Fatal("empty input")
	}
}

// serverSide reads Prometheus buckets: 980 of 1000 requests within 10 ms,
// the 99th within 25 ms.
func TestServerSideHistogram(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, b := range []struct {
			le string
			n  int
		}{{"0.005", 900}, {"0.01", 980}, {"0.025", 995}, {"0.05", 1000}, {"+Inf", 1000}} {
			fmt.Fprintf(w, "yuyue_http_request_duration_seconds_bucket{method=\"POST\",route=\"/twilio/voice/gather\",status=\"200\",le=\"%s\"} %d\n", b.le, b.n)
			fmt.Fprintf(w, "yuyue_http_request_duration_seconds_bucket{method=\"GET\",route=\"/healthz\",status=\"200\",le=\"%s\"} 5\n", b.le)
		}
	}))
	defer srv.Close()
	p99, within10, n, err := serverSide(srv.URL)
	if err != nil || n != 1000 || p99 != 25 || within10 != 0.98 {
		t.Fatalf("p99 bound %v, within10 %v, n %v, err %v", p99, within10, n, err)
	}
}
