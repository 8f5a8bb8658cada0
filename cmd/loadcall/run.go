package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"yuyue/booking"
	"yuyue/store"
)

// loadCatalog spreads callers over every district with room to spare.
const loadCatalog = `
businesses: [{code: newborn, name: 新生儿入户, notice: 请携带出生医学证明。, bring: 出生医学证明}]
districts:
  - {code: futian, name: 福田区}
  - {code: luohu, name: 罗湖区}
  - {code: nanshan, name: 南山区}
  - {code: baoan, name: 宝安区}
offices:
  - {code: FT01, name: 福田派出所户政室, district: futian}
  - {code: LH01, name: 东门派出所户政室, district: luohu}
  - {code: NS01, name: 南头派出所户政室, district: nanshan}
  - {code: BA01, name: 新安派出所户政室, district: baoan}
defaults:
  periods:
    - {start: "09:00", end: "10:00", capacity: 100000}
    - {start: "10:00", end: "11:00", capacity: 100000}
    - {start: "14:00", end: "15:00", capacity: 100000}
    - {start: "15:00", end: "16:00", capacity: 100000}
`

// contentionCatalog has exactly one place in the whole booking window: one
// office, one period of the given capacity, closed on every day but the
// first working day ahead.
const contentionCatalog = `
businesses: [{code: newborn, name: 新生儿入户, notice: 请携带出生医学证明。, bring: 出生医学证明}]
districts: [{code: futian, name: 福田区}]
offices: [{code: FT01, name: 福田派出所户政室, district: futian, closures: [%s]}]
defaults:
  periods: [{start: "09:00", end: "10:00", capacity: %d}]
`

// closuresAfterFirst lists every day from tomorrow to 20 days ahead but
// the first working day at least two days ahead (Asia/Shanghai, weekends
// are not working days here). Not tomorrow: a run that starts just before
// midnight in Shanghai reaches its rush after it, when tomorrow has become
// today, no longer bookable, and every caller was told the day was full
// (a run at 15:59 UTC: 0 booked, 2,000 told full).
func closuresAfterFirst(now time.Time) string {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	d := now.In(loc)
	var out []string
	first := true
	for i := 1; i <= 20; i++ {
		day := d.AddDate(0, 0, i)
		if wd := day.Weekday(); first && i >= 2 && wd != time.Saturday && wd != time.Sunday {
			first = false
			continue
		}
		out = append(out, `"`+day.Format(time.DateOnly)+`"`)
	}
	return strings.Join(out, ", ")
}

func run(ctx context.Context, o options) error {
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return err
	}
	rep := &report{Date: time.Now().Format(time.RFC3339), CPUs: runtime.NumCPU(), Go: runtime.Version(), Options: o.describe()}
	work, err := os.MkdirTemp("", "loadcall")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	fake, err := startProvider(ctx, work)
	if err != nil {
		return err
	}
	defer fake.close()

	fmt.Fprintf(os.Stderr, "baseline: raw single-row SQLite write transactions, %d samples over %s\n", o.rawSamples, o.rawTime)
	if rep.RawBefore, err = rawBaseline(ctx, filepath.Join(work, "raw1"), o.rawTime, o.rawSamples); err != nil {
		return err
	}
	rep.RawTxPerSecBefore, rep.RawTxLatency = rep.RawBefore.Median, rep.RawBefore.Latency
	fmt.Fprintf(os.Stderr, "baseline: %s\n", rep.RawBefore)
	for _, mode := range splitModes(o.modes) {
		dir := filepath.Join(work, mode)
		os.MkdirAll(dir, 0o755)
		switch mode {
		case "latency":
			err = latencyRun(ctx, o, dir, fake, rep)
		case "throughput":
			err = throughputRun(ctx, o, dir, fake, rep)
		case "contention":
			err = contentionRun(ctx, o, dir, fake, rep)
		case "crash":
			err = crashRun(ctx, o, dir, fake, rep)
		case "pg-throughput":
			err = pgThroughputRun(ctx, o, dir, fake, rep)
		case "pg-contention":
			err = pgContentionRun(ctx, o, dir, fake, rep)
		case "pg-crash":
			err = pgCrashRun(ctx, o, dir, fake, rep)
		default:
			err = fmt.Errorf("unknown mode %q", mode)
		}
		if err != nil {
			return fmt.Errorf("%s run: %w", mode, err)
		}
	}
	// fsync timing drifts: the raw loop runs again after the load, and the
	// higher figure is the baseline, so a ratio is never flattered.
	if rep.RawAfter, err = rawBaseline(ctx, filepath.Join(work, "raw2"), o.rawTime, o.rawSamples); err != nil {
		return err
	}
	rep.RawTxPerSecAfter = rep.RawAfter.Median
	rep.RawTxPerSec = max(rep.RawTxPerSecBefore, rep.RawTxPerSecAfter)
	return rep.write(o.out)
}

func client(n int) *http.Client {
	return &http.Client{Timeout: 15 * time.Second, Transport: &http.Transport{MaxIdleConns: n + 10, MaxIdleConnsPerHost: n + 10}}
}

// profile saves a CPU profile of yuyue for d, in the background.
func profile(o options, pprofAddr, path string, d time.Duration) func() {
	if !o.profile {
		return func() {}
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		resp, err := http.Get(fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", pprofAddr, int(d.Seconds())))
		if err != nil {
			fmt.Fprintln(os.Stderr, "profile:", err)
			return
		}
		defer resp.Body.Close()
		f, err := os.Create(path)
		if err == nil {
			io.Copy(f, resp.Body)
			f.Close()
		}
	}()
	return wg.Wait
}

// crowd runs n callers at once and waits for all; each gets its number.
func crowd(ctx context.Context, n int, st *stats, label string, one func(i int) (outcome, error)) map[outcome]int {
	var mu sync.Mutex
	outs := map[outcome]int{}
	var done atomic.Int32
	stop := progress(label, n, &done, st)
	defer stop()
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, err := one(i)
			if err != nil {
				st.fail("call_failed")
				fmt.Fprintf(os.Stderr, "\ncaller %d: %v\n", i, err)
				out = "error"
			}
			mu.Lock()
			outs[out]++
			mu.Unlock()
			done.Add(1)
		}()
	}
	wg.Wait()
	return outs
}

func latencyRun(ctx context.Context, o options, dir string, fake *provider, rep *report) error {
	pp, _ := freeAddr()
	srv, err := spawnYuyue(ctx, o.yuyue, dir, fake.URL, loadCatalog, pp)
	if err != nil {
		return err
	}
	defer srv.stop()
	st, cl := newStats(), client(o.callers)
	wait := profile(o, pp, filepath.Join(o.out, "latency.cpu.pprof"), 20*time.Second)
	start := time.Now()
	outs := crowd(ctx, o.callers, st, "latency", func(i int) (outcome, error) {
		c := newCaller(100000+i, srv.base, cl, st, fake.Fake, o.pauseMin, o.pauseMax)
		c.arrive(ctx)
		return c.run(ctx)
	})
	elapsed := time.Since(start)
	wait()
	p99Bound, within10, n, err := serverSide(srv.admin)
	if err != nil {
		return err
	}
	srv.stop()
	all, per, errs, samples := st.snapshot()
	rep.ServerSide = &serverReport{Requests: n, P99BoundMS: p99Bound, Within10ms: within10}
	rep.Latency = &runReport{Callers: o.callers, Seconds: elapsed.Seconds(), Overall: all, PerStep: per, Errors: errs,
		Outcomes: outs, StepsPerSec: float64(all.Count) / elapsed.Seconds(), BookingsPerSec: float64(outs[outBooked]) / elapsed.Seconds()}
	if err := writeHistogram(filepath.Join(o.out, "latency.svg"), samples); err != nil {
		return err
	}

	// the same crowd, pauses and number of steps against an empty handler
	empty, err := spawnEmpty(ctx, dir)
	if err != nil {
		return err
	}
	defer empty.stop()
	est := newStats()
	steps := max(1, all.Count/max(1, o.callers))
	crowd(ctx, o.callers, est, "empty handler", func(i int) (outcome, error) {
		c := newCaller(200000+i, empty.base, cl, est, fake.Fake, o.pauseMin, o.pauseMax)
		c.arrive(ctx)
		return c.emptyCall(ctx, steps)
	})
	eall, _, eerrs, _ := est.snapshot()
	rep.EmptyBaseline = &runReport{Callers: o.callers, Overall: eall, Errors: eerrs}
	return nil
}

func throughputRun(ctx context.Context, o options, dir string, fake *provider, rep *report) error {
	pp, _ := freeAddr()
	srv, err := spawnYuyue(ctx, o.yuyue, dir, fake.URL, loadCatalog, pp)
	if err != nil {
		return err
	}
	defer srv.stop()
	wait := profile(o, pp, filepath.Join(o.out, "throughput.cpu.pprof"), o.tputTime)
	batch := meanBatch(srv.admin, func() { rep.Throughput = throughputLoad(ctx, o, srv.base, fake, 300000) })
	rep.Throughput.MeanCommitBatch = batch
	wait()
	return nil
}

// throughputLoad runs callers without pauses against base for o.tputTime;
// caller numbers start after first.
func throughputLoad(ctx context.Context, o options, base string, fake *provider, first int64) *runReport {
	st, cl := newStats(), client(o.tputCallers)
	var next atomic.Int64
	next.Store(first)
	end := time.Now().Add(o.tputTime)
	start, busy := time.Now(), machineBusy()
	outs := crowd(ctx, o.tputCallers, st, "throughput", func(int) (outcome, error) {
		for time.Now().Before(end) {
			if _, err := newCaller(int(next.Add(1)), base, cl, st, fake.Fake, 0, 0).run(ctx); err != nil {
				return "", err
			}
		}
		return outBooked, nil
	})
	elapsed, busyCores := time.Since(start), busy()
	all, per, errs, _ := st.snapshot()
	return &runReport{Callers: o.tputCallers, Seconds: elapsed.Seconds(), Overall: all, PerStep: per, Errors: errs, BusyCores: busyCores,
		Outcomes: outs, StepsPerSec: float64(all.Count) / elapsed.Seconds(),
		BookingsPerSec: float64(int(next.Load())-int(first)-o.tputCallers) / elapsed.Seconds(), lastNumber: next.Load()}
}

func contentionRun(ctx context.Context, o options, dir string, fake *provider, rep *report) error {
	srv, err := spawnYuyue(ctx, o.yuyue, dir, fake.URL, fmt.Sprintf(contentionCatalog, closuresAfterFirst(time.Now()), o.places), "")
	if err != nil {
		return err
	}
	defer srv.stop()
	rep.Contention = contentionLoad(ctx, o, srv.base, []string{srv.admin}, fake, 400000)
	srv.stop()
	if rep.Contention.EmptyPress, err = emptyPresses(ctx, o, dir, fake); err != nil {
		return err
	}
	booked, err := countBooked(ctx, filepath.Join(dir, "yuyue.db"))
	rep.Contention.BookingsInDB = booked
	return err
}

// contentionLoad is the rush: o.contention callers dial at once and
// play their calls (identification, the SMS code, business, date) up to
// the period menu of the one open period (the approach, timed apart);
// when the last of them is there, all press for it at once. The rush is
// resolved when every caller has heard "booked" (after confirming) or
// "full".
func contentionLoad(ctx context.Context, o options, base string, admins []string, fake *provider, first int) *contentionReport {
	approach, attempt, codes, cl := newStats(), newStats(), newStats(), client(o.contention)
	gate := newRushGate(o.contention, attempt, o.reaction)
	start := time.Now()
	outs := crowd(ctx, o.contention, approach, "contention", func(i int) (outcome, error) {
		c := newCaller(first+i, base, cl, approach, fake.Fake, 0, 0)
		c.contention, c.gate, c.codes = true, gate, codes
		out, err := c.run(ctx)
		if c.gate != nil { // never reached the period menu
			gate.leave()
		}
		return out, err
	})
	fired := gate.openedAt()
	resolved := time.Since(fired)
	all, per, errs, _ := attempt.snapshot()
	before, beforePer, errs1, _ := approach.snapshot()
	for k, v := range errs1 {
		errs[k] += v
	}
	code, _, _, _ := codes.snapshot()
	inside, waited, sends := map[float64]float64{}, map[float64]float64{}, map[float64]float64{}
	for _, a := range admins {
		for _, err := range []error{codeBuckets(a, "yuyue_sms_enqueued_to_accepted_seconds", inside),
			codeBuckets(a, "yuyue_sms_enqueued_to_claimed_seconds", waited), sendBuckets(a, sends)} {
			if err != nil {
				fmt.Fprintf(os.Stderr, "contention: code histograms of %s: %v\n", a, err)
			}
		}
	}
	p99, n := boundOf(inside, 0.99)
	waitP50, _ := boundOf(waited, 0.5)
	waitP99, _ := boundOf(waited, 0.99)
	sendP50, _ := boundOf(sends, 0.5)
	sendP99, _ := boundOf(sends, 0.99)
	return &contentionReport{ServerCodeP99: p99, ServerCodes: n, ServerWaitP50: waitP50, ServerWaitP99: waitP99,
		ServerSendP50: sendP50, ServerSendP99: sendP99, Reaction: o.reaction.String(), Attempts: o.contention, Places: o.places, Seconds: resolved.Seconds(),
		BookedCalls: outs[outBooked], FullCalls: outs[outFull], Errors: errs, Latency: all, PerStep: per,
		ApproachSeconds: fired.Sub(start).Seconds(), ApproachLatency: before, ApproachPerStep: beforePer, CodeLatency: code}
}

// countBooked reads the database after the server stopped.
func countBooked(ctx context.Context, path string) (int, error) {
	st, err := store.Open(ctx, path, secretKey)
	if err != nil {
		return 0, err
	}
	defer st.Close()
	var n int
	err = st.Reader().QueryRow(`SELECT count(*) FROM bookings WHERE status = ?`, string(booking.StatusBooked)).Scan(&n)
	return n, err
}

// progress draws a bar on stderr until stopped.
func progress(label string, total int, done *atomic.Int32, st *stats) func() {
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(500 * time.Millisecond)
		defer t.Stop()
		for {
			d := int(done.Load())
			const width = 30
			fill := width * d / max(total, 1)
			bar := fmt.Sprintf("%-*s", width, strings.Repeat("=", fill)+">")
			fmt.Fprintf(os.Stderr, "\r%-14s [%s] %d/%d calls, %d steps ", label, bar[:width], d, total, st.steps())
			select {
			case <-stop:
				fmt.Fprintln(os.Stderr)
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(stop); wg.Wait() }
}
