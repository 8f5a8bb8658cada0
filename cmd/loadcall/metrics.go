package main

import (
	"bufio"
	"cmp"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// serverSide reads yuyue's own request-latency histogram for the voice
// webhooks from /metrics and returns the bucket bound under which 99% of
// requests finished (ms) and the share finished within 10 ms. Seen from
// inside the server it leaves out the client's and the scheduler's share.
func serverSide(base string) (p99BoundMS, within10 float64, count float64, err error) {
	buckets := map[float64]float64{}
	err = histogram(base, "yuyue_http_request_duration_seconds_bucket{", func(line string) bool {
		return strings.Contains(line, `route="/twilio/voice`) && !strings.Contains(line, "/status") && strings.Contains(line, `status="200"`)
	}, buckets)
	if err != nil || len(buckets) == 0 {
		return 0, 0, 0, err
	}
	p99, total := boundOf(buckets, 0.99)
	for b, n := range buckets {
		if b <= 0.010 && n/total > within10 {
			within10 = n / total
		}
	}
	return p99 * 1000, within10, total, nil
}

// histogram adds to into the cumulative buckets (by upper bound, +Inf
// included) of the lines of one node's /metrics that start with prefix
// and that keep accepts.
func histogram(admin, prefix string, keep func(line string) bool, into map[float64]float64) error {
	return eachLine(admin, func(line string) bool {
		if !strings.HasPrefix(line, prefix) || !keep(line) {
			return true
		}
		i := strings.Index(line, `le="`)
		j := strings.Index(line[i+4:], `"`)
		le, perr := strconv.ParseFloat(line[i+4:i+4+j], 64) // "+Inf" parses as +Inf
		v, verr := strconv.ParseFloat(line[strings.LastIndex(line, " ")+1:], 64)
		if perr == nil && verr == nil {
			into[le] += v
		}
		return true
	})
}

// eachLine hands each line of one node's /metrics to fn until fn returns
// false.
func eachLine(admin string, fn func(line string) (more bool)) error {
	resp, err := http.Get(admin + "/metrics")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if !fn(sc.Text()) {
			return nil
		}
	}
	return sc.Err()
}

// samples reads every sample of one node's /metrics in one scrape: value
// by series as written there (name and labels, `a_total{k="v"}`).
func samples(admin string) (map[string]float64, error) {
	m := map[string]float64{}
	err := eachLine(admin, func(line string) bool {
		if series, val, ok := strings.Cut(line, " "); ok && !strings.HasPrefix(line, "#") {
			if v, err := strconv.ParseFloat(val, 64); err == nil {
				m[series] = v
			}
		}
		return true
	})
	return m, err
}

// commitCounts reads yuyue's commit counters: commits and the write units
// (InTx calls) they carried.
func commitCounts(admin string) (commits, writes float64, err error) {
	err = eachLine(admin, func(line string) bool {
		name, val, ok := strings.Cut(line, " ")
		v, perr := strconv.ParseFloat(val, 64)
		switch {
		case !ok || perr != nil:
		case name == "yuyue_store_commits_total":
			commits = v
		case name == "yuyue_store_write_requests_total":
			writes = v
		}
		return true
	})
	return commits, writes, err
}

// meanBatch runs load and returns the write units per commit it caused.
func meanBatch(admin string, load func()) float64 {
	c0, w0, err0 := commitCounts(admin)
	load()
	c1, w1, err1 := commitCounts(admin)
	if err0 != nil || err1 != nil || c1 <= c0 {
		return 0
	}
	return (w1 - w0) / (c1 - c0)
}

// metricValue reads one unlabelled metric from yuyue's /metrics.
func metricValue(admin, metric string) (v float64, err error) {
	found := false
	if err := eachLine(admin, func(line string) bool {
		if name, val, ok := strings.Cut(line, " "); ok && name == metric {
			found = true
			v, err = strconv.ParseFloat(val, 64)
			return false
		}
		return true
	}); err != nil {
		return 0, err
	}
	if !found {
		return 0, fmt.Errorf("%s: no %s", admin, metric)
	}
	return v, err
}

// metricByLabel reads every series of one counter with one label on a
// node: value by the label's value (series without it are skipped).
func metricByLabel(admin, metric, label string) (map[string]float64, error) {
	m := map[string]float64{}
	prefix := metric + "{" + label + `="`
	var perr error
	err := eachLine(admin, func(line string) bool {
		rest, ok := strings.CutPrefix(line, prefix)
		if !ok {
			return true
		}
		value, tail, ok := strings.Cut(rest, `"} `)
		if !ok {
			return true
		}
		v, err := strconv.ParseFloat(tail, 64)
		if err != nil {
			perr = fmt.Errorf("%s: %s: %w", admin, metric, err)
			return false
		}
		m[value] = v
		return true
	})
	if err = cmp.Or(err, perr); err != nil {
		return nil, err
	}
	return m, nil
}

// codeBuckets adds the cumulative buckets of one of yuyue's histograms of a
// code's way out on one node to into: "yuyue_sms_enqueued_to_accepted_seconds"
// (enqueued → provider accepted) or "yuyue_sms_enqueued_to_claimed_seconds"
// (the wait for a send slot), kind="code".
func codeBuckets(admin, metric string, into map[float64]float64) error {
	return histogram(admin, metric+"_bucket{", func(line string) bool {
		return strings.Contains(line, `kind="code"`)
	}, into)
}

// sendBuckets adds the buckets of yuyue's "yuyue_sms_send_seconds" (one
// provider call, every kind) on one node to into.
func sendBuckets(admin string, into map[float64]float64) error {
	return histogram(admin, "yuyue_sms_send_seconds_bucket{", func(string) bool { return true }, into)
}

// boundOf is the smallest bucket bound under which the share q of a
// cumulative histogram lies (1e9 when only +Inf holds it: JSON has no
// infinity), and the count.
func boundOf(buckets map[float64]float64, q float64) (bound, count float64) {
	bounds := make([]float64, 0, len(buckets))
	for b := range buckets {
		bounds = append(bounds, b)
	}
	sort.Float64s(bounds)
	if len(bounds) == 0 {
		return 0, 0
	}
	count = buckets[bounds[len(bounds)-1]]
	for _, b := range bounds {
		if buckets[b] >= q*count {
			return min(b, 1e9), count
		}
	}
	return bounds[len(bounds)-1], count
}
