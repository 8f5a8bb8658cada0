package main

import (
	"slices"
	"sync"
	"time"
)

// stats collects latencies per step and errors by kind; safe for many
// callers at once.
type stats struct {
	mu     sync.Mutex
	byStep map[string][]time.Duration
	all    []time.Duration
	errors map[string]int
}

func newStats() *stats { return &stats{byStep: map[string][]time.Duration{}, errors: map[string]int{}} }

func (s *stats) observe(step string, d time.Duration) {
	s.mu.Lock()
	s.byStep[step] = append(s.byStep[step], d)
	s.all = append(s.all, d)
	s.mu.Unlock()
}

func (s *stats) fail(kind string) { s.mu.Lock(); s.errors[kind]++; s.mu.Unlock() }

func (s *stats) steps() int { s.mu.Lock(); defer s.mu.Unlock(); return len(s.all) }

// summary is the latency distribution of a set of requests, in ms.
type summary struct {
	Count int     `json:"count"`
	P50   float64 `json:"p50_ms"`
	P90   float64 `json:"p90_ms"`
	P99   float64 `json:"p99_ms"`
	Max   float64 `json:"max_ms"`
}

func summarize(ds []time.Duration) summary {
	if len(ds) == 0 {
		return summary{}
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	q := func(p float64) float64 { return ms(s[min(len(s)-1, int(p*float64(len(s))))]) }
	return summary{Count: len(s), P50: q(0.50), P90: q(0.90), P99: q(0.99), Max: ms(s[len(s)-1])}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func (s *stats) snapshot() (summary, map[string]summary, map[string]int, []time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	per := map[string]summary{}
	for k, v := range s.byStep {
		per[k] = summarize(v)
	}
	errs := map[string]int{}
	for k, v := range s.errors {
		errs[k] = v
	}
	return summarize(s.all), per, errs, slices.Clone(s.all)
}
