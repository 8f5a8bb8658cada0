package main

import (
	"bufio"
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
