package main

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"yuyue/store"
)

// crashReport is SPEC §8's kill -9 target.
type crashReport struct {
	Callers        int    `json:"callers"`
	KilledAfterSec int    `json:"killed_after_s"`
	HeardBooked    int    `json:"references_heard"`
	LostBookings   int    `json:"heard_but_missing"`
	DuplicateSMS   int    `json:"sms_sent_twice"`
	UnknownOutbox  int    `json:"outbox_unknown_after_restart"`
	IntegrityCheck string `json:"integrity_check"`
}

var zhToDigit = strings.NewReplacer("零", "0", "一", "1", "二", "2", "三", "3", "四", "4", "五", "5", "六", "6", "七", "7", "八", "8", "九", "9", "，", "")

var refRe = regexp.MustCompile(`预约受理号是：([零一二三四五六七八九，]+)。`)

// crashRun books under load, kills yuyue with SIGKILL mid-run, restarts it
// on the same database, lets the outbox drain, then checks that every
// reference a caller heard is in the database, that no SMS went out twice
// and that SQLite's integrity check passes.
func crashRun(ctx context.Context, o options, dir string, fake *provider, rep *report) error {
	srv, err := spawnYuyue(ctx, o.yuyue, dir, fake.URL, loadCatalog, "")
	if err != nil {
		return err
	}
	st, cl := newStats(), client(o.tputCallers)
	var mu sync.Mutex
	var heard []string
	var next atomic.Int64
	next.Store(500000)
	var killed atomic.Bool
	runCtx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for range o.tputCallers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for runCtx.Err() == nil && !killed.Load() {
				c := newCaller(int(next.Add(1)), srv.base, cl, st, fake.Fake, 0, 0)
				c.onDone = func(say string) {
					if m := refRe.FindStringSubmatch(say); m != nil {
						mu.Lock()
						heard = append(heard, zhToDigit.Replace(m[1]))
						mu.Unlock()
					}
				}
				c.run(runCtx) // errors expected once yuyue is killed
			}
		}()
	}
	const killAfter = 4 * time.Second
	time.Sleep(killAfter)
	srv.cmd.Process.Kill() // SIGKILL: no shutdown, no flush
	killed.Store(true)
	srv.cmd.Wait()
	cancel()
	wg.Wait()
	srv.log.Close()
	fmt.Fprintf(os.Stderr, "crash: killed yuyue after %s with %d references heard; restarting\n", killAfter, len(heard))

	again, err := spawnYuyue(ctx, o.yuyue, dir, fake.URL, loadCatalog, "")
	if err != nil {
		return err
	}
	waitDrained(fake) // the outbox drained: 2 s without a new SMS
	again.stop()
	return checkAfterCrash(ctx, dir, fake, heard, o.tputCallers, int(killAfter.Seconds()), rep)
}

func checkAfterCrash(ctx context.Context, dir string, fake *provider, heard []string, callers, after int, rep *report) error {
	db, err := store.Open(ctx, dir+"/yuyue.db", secretKey)
	if err != nil {
		return err
	}
	defer db.Close()
	r := &crashReport{Callers: callers, KilledAfterSec: after, HeardBooked: len(heard)}
	if err := db.Reader().QueryRow(`PRAGMA integrity_check`).Scan(&r.IntegrityCheck); err != nil {
		return err
	}
	for _, ref := range heard {
		var n int
		db.Reader().QueryRow(`SELECT count(*) FROM bookings WHERE reference = ? AND status = 'booked'`, ref).Scan(&n)
		if n != 1 {
			r.LostBookings++
		}
	}
	db.Reader().QueryRow(`SELECT count(*) FROM outbox WHERE status = 'unknown'`).Scan(&r.UnknownOutbox)
	seen := map[string]int{}
	for _, m := range fake.Messages() {
		seen[m.To+"\x00"+m.Body]++
	}
	for _, n := range seen {
		if n > 1 {
			r.DuplicateSMS += n - 1
		}
	}
	rep.Crash = r
	return nil
}
