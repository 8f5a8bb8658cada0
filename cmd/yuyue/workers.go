package main

import (
	"context"
	"sync"
	"time"

	"yuyue/jobs"
)

// upRetryEvery is how often serve looks for Aliyun replies to run again.
const upRetryEvery = 10 * time.Second

// workers are the outbox sender and the job scheduler, started only once
// serve holds the lease: the outbox worker's first act is to mark rows a
// dead worker left mid-send, which must never happen to a live server's.
type workers struct {
	stopOutbox func()
	sched      *jobs.Scheduler
	wg         sync.WaitGroup
}

func startWorkers(ctx context.Context, d *deps, ch *channels, r *readiness) (*workers, error) {
	w := &workers{}
	if d.cfg.Jobs.Enabled {
		s, err := scheduler(d)
		if err != nil {
			return nil, err
		}
		s.Start()
		r.sched.Store(true)
		w.sched = s
	}
	ctx, cancel := context.WithCancel(ctx)
	w.stopOutbox = func() { cancel(); w.wg.Wait() }
	w.wg.Add(1)
	r.outbox.Store(true)
	go func() {
		defer w.wg.Done()
		defer r.outbox.Store(false)
		if err := ch.worker.Run(ctx); err != nil {
			d.log.Error("outbox worker stopped", "err", err)
		}
	}()
	if ch.push != nil {
		// Replies whose command failed after Aliyun's push was accepted.
		w.wg.Add(1)
		go func() { defer w.wg.Done(); ch.push.Run(ctx, upRetryEvery) }()
	}
	return w, nil
}

// stop stops the scheduler and the outbox worker and waits for both.
func (w *workers) stop(r *readiness) {
	if w.sched != nil {
		w.sched.Stop()
		r.sched.Store(false)
	}
	w.stopOutbox()
}
