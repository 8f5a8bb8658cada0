package main

import (
	"bufio"
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
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		return 0, 0, 0, err
	}
	defer resp.Body.Close()
	buckets := map[float64]float64{}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "yuyue_http_request_duration_seconds_bucket{") || !strings.Contains(line, `route="/twilio/voice`) ||
			strings.Contains(line, "/status") || !strings.Contains(line, `status="200"`) {
			continue
		}
		i := strings.Index(line, `le="`)
		j := strings.Index(line[i+4:], `"`)
		le, _ := strconv.ParseFloat(line[i+4:i+4+j], 64)
		if line[i+4:i+4+j] == "+Inf" {
			le = 1e9
		}
		v, _ := strconv.ParseFloat(line[strings.LastIndex(line, " ")+1:], 64)
		buckets[le] += v
	}
	bounds := make([]float64, 0, len(buckets))
	for b := range buckets {
		bounds = append(bounds, b)
	}
	sort.Float64s(bounds)
	if len(bounds) == 0 {
		return 0, 0, 0, sc.Err()
	}
	total := buckets[bounds[len(bounds)-1]]
	for _, b := range bounds {
		if buckets[b] >= 0.99*total && p99BoundMS == 0 {
			p99BoundMS = b * 1000
		}
		if b <= 0.010 {
			within10 = buckets[b] / total
		}
	}
	return p99BoundMS, within10, total, sc.Err()
}

// commitCounts reads yuyue's commit counters: commits and the write units
// (InTx calls) they carried.
func commitCounts(admin string) (commits, writes float64, err error) {
	resp, err := http.Get(admin + "/metrics")
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		name, val, ok := strings.Cut(sc.Text(), " ")
		v, perr := strconv.ParseFloat(val, 64)
		switch {
		case !ok || perr != nil:
		case name == "yuyue_store_commits_total":
			commits = v
		case name == "yuyue_store_write_requests_total":
			writes = v
		}
	}
	return commits, writes, sc.Err()
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
func metricValue(admin, metric string) (float64, error) {
	resp, err := http.Get(admin + "/metrics")
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if name, val, ok := strings.Cut(sc.Text(), " "); ok && name == metric {
			return strconv.ParseFloat(val, 64)
		}
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("%s: no %s", admin, metric)
}

// codeBuckets adds the cumulative buckets of yuyue's "code enqueued →
// provider accepted" histogram (kind="code") on one node to into.
func codeBuckets(admin string, into map[float64]float64) error {
	resp, err := http.Get(admin + "/metrics")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "yuyue_sms_enqueued_to_accepted_seconds_bucket{") || !strings.Contains(line, `kind="code"`) {
			continue
		}
		i := strings.Index(line, `le="`)
		j := strings.Index(line[i+4:], `"`)
		le, perr := strconv.ParseFloat(line[i+4:i+4+j], 64) // "+Inf" parses as +Inf
		v, verr := strconv.ParseFloat(line[strings.LastIndex(line, " ")+1:], 64)
		if perr == nil && verr == nil {
			into[le] += v
		}
	}
	return sc.Err()
}

// boundOf is the smallest bucket bound under which the share q of a
// cumulative histogram lies (seconds; +Inf when it lies beyond the last),
// and the count.
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
			return b, count
		}
	}
	return bounds[len(bounds)-1], count
}
