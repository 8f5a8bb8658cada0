package sms

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"yuyue/booking"
)

// Worker sends the outbox: it claims due rows, sends them at a bounded rate
// and concurrency, and records the outcome of each.
type Worker struct {
	Svc         *booking.Service
	Sender      Sender
	Log         *slog.Logger
	Now         func() time.Time
	Rate        float64 // messages per second
	Concurrency int
	MaxAttempts int
	RetryBase   time.Duration
	Poll        time.Duration
	// Text renders the body handed to the Sender (the signature, and the
	// no-reply wording where replies cannot arrive).
	Text Renderer
	// Provider names the sender on each outbox row it attempts (the
	// dashboard's SMS figures by provider).
	Provider string

	once    sync.Once
	kick    chan struct{}
	limiter *rate.Limiter
}

func (w *Worker) init() {
	w.once.Do(func() {
		w.kick = make(chan struct{}, 1)
		w.limiter = rate.NewLimiter(rate.Limit(w.Rate), max(1, w.Concurrency))
	})
}

// Kick wakes the worker now instead of at the next poll.
func (w *Worker) Kick() {
	w.init()
	select {
	case w.kick <- struct{}{}:
	default:
	}
}

// Run recovers what a crash left behind, then sends until ctx ends.
func (w *Worker) Run(ctx context.Context) error {
	w.init()
	n, err := w.Svc.RecoverSends(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		w.Log.Warn("outbox: messages left mid-send by a stopped worker marked unknown, not re-sent", "count", n)
		smsOutcomes.WithLabelValues(string(booking.SendUnknown)).Add(float64(n))
	}
	t := time.NewTicker(w.Poll)
	defer t.Stop()
	for {
		if _, err := w.Drain(ctx); err != nil && ctx.Err() == nil {
			w.Log.Error("outbox: drain failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		case <-w.kick:
		}
	}
}

// Drain sends every due message and returns how many it attempted. It
// claims in batches: one write transaction claims as many rows as there
// are free sender slots and send-rate tokens (codes first), so after a
// crash "unknown" still covers just the messages in flight, and a rush no
// longer waits for one fsync'd commit per message. Finishes run as
// concurrent FinishSend calls, which the store's group commit shares.
//
// A claim that returns fewer rows than it asked for took every row due (or
// another node's worker holds the rest), so another claim now would find
// none: the drain claims again only when woken (Kick: a message was
// queued), and ends once the sends in flight are done. It used to claim
// until a claim came back empty, and that last claim was a write
// transaction of its own (three round trips on PostgreSQL) on every
// drain; on two nodes, about one per message.
func (w *Worker) Drain(ctx context.Context) (int, error) {
	w.init()
	sem := make(chan struct{}, max(1, w.Concurrency))
	flight := inFlight{ended: make(chan struct{}, 1)}
	defer flight.wait()
	total := 0
	for {
		grant, ok := w.acquire(ctx, sem)
		if !ok {
			return total, nil // shutting down: nothing claimed
		}
		asked := grant.n()
		items, err := w.Svc.ClaimMessages(ctx, w.Now(), asked)
		grant.keep(len(items))
		if err != nil {
			return total, err
		}
		total += len(items)
		for _, it := range items {
			if it.Attempts == 1 && !it.CreatedAt.IsZero() { // a retry's wait is its backoff, not a backlog
				smsWaited.WithLabelValues(it.Kind).Observe(time.Since(it.CreatedAt).Seconds()) // created_at is the database clock
			}
			flight.n.Add(1)
			go func() {
				defer func() { <-sem; flight.end() }()
				r, rf := w.sendOne(ctx, it)
				w.finish(context.WithoutCancel(ctx), it, r, rf)
			}()
		}
		// An empty claim is a short one too: it can follow a Kick for a
		// message the claim before took, or a full claim when the rate
		// grants one row at a time.
		if len(items) < asked && !w.wokenBefore(ctx, &flight) {
			return total, nil
		}
	}
}

// inFlight counts a drain's sends not yet recorded (n, added to before
// each starts); ended is signalled after each one ends.
type inFlight struct {
	n     atomic.Int64
	ended chan struct{}
}

func (f *inFlight) end() {
	f.n.Add(-1)
	select {
	case f.ended <- struct{}{}:
	default: // a signal waits already: its reader looks at the count again
	}
}

// wait returns once every send of the drain is recorded.
func (f *inFlight) wait() {
	for f.n.Load() > 0 {
		<-f.ended
	}
}

// wokenBefore waits for a Kick while the drain's sends are in flight: true
// when one came (claim again), false when they all ended first or ctx did.
// A message queued once the drain returned wakes Run instead.
func (w *Worker) wokenBefore(ctx context.Context, f *inFlight) bool {
	for f.n.Load() > 0 {
		select {
		case <-w.kick:
			return true
		case <-f.ended:
		case <-ctx.Done():
			return false
		}
	}
	return false
}

func (w *Worker) sendOne(ctx context.Context, it booking.OutboxItem) (booking.SendResult, *Refusal) {
	r := booking.SendResult{ID: it.ID, At: w.Now(), Provider: w.Provider}
	body, err := w.Text.Text(it.Kind, it.Params, it.To)
	if err != nil {
		r.Outcome, r.Error = booking.SendFailed, err.Error()
		return r, nil
	}
	start := time.Now()
	r.SID, r.Outcome, err = w.Sender.Send(ctx, it, body)
	smsSendTime.WithLabelValues(w.Provider).Observe(time.Since(start).Seconds())
	if err != nil {
		r.Error = MaskNumbers(err.Error()) // logged and stored: no full number
	}
	var rf *Refusal
	errors.As(err, &rf)
	if r.Outcome == booking.SendRetry {
		wait := backoff(w.RetryBase, it.Attempts)
		if rf != nil && rf.RetryAfter > 0 {
			wait = rf.RetryAfter // a minute-level limit lifts after the minute
		}
		if it.Attempts >= w.MaxAttempts {
			r.Outcome = booking.SendFailed
		} else {
			r.NextTryAt = w.Now().Add(wait)
		}
	}
	return r, rf
}

// noteRefusal counts a provider's refusal and keeps the account's state
// (a sent message clears it) for /readyz and the metric.
func (w *Worker) noteRefusal(r booking.SendResult, rf *Refusal) {
	switch {
	case r.Outcome == booking.SendSent:
		noteAccount("", r.At)
	case rf == nil:
	case rf.Account:
		smsRefusals.WithLabelValues(rf.Code).Inc()
		if code, _ := AccountProblem(); code == "" {
			w.Log.Error("sms provider refuses every send: the service is mute until the account is fixed",
				"code", rf.Code, "message", rf.Message)
		}
		noteAccount(rf.Code, r.At)
	default:
		smsRefusals.WithLabelValues(rf.Code).Inc()
	}
}

// backoff doubles per attempt, capped at ten minutes.
func backoff(base time.Duration, attempt int) time.Duration {
	d := base << min(attempt-1, 20)
	return min(d, 10*time.Minute)
}

func (w *Worker) finish(ctx context.Context, it booking.OutboxItem, r booking.SendResult, rf *Refusal) {
	smsOutcomes.WithLabelValues(string(r.Outcome)).Inc()
	if r.Outcome == booking.SendSent && !it.CreatedAt.IsZero() {
		smsToProvider.WithLabelValues(it.Kind).Observe(time.Since(it.CreatedAt).Seconds()) // created_at is the database clock
	}
	w.noteRefusal(r, rf)
	var block *booking.ProviderBlock
	if rf != nil && rf.Block != "" {
		// The citizen's next code request is refused and told so,
		// instead of a send Aliyun would refuse again.
		block = &booking.ProviderBlock{Level: rf.Block, Until: r.At.Add(rf.BlockFor)}
	}
	err := w.Svc.FinishSend(ctx, it.To, r, block)
	if err != nil {
		w.Log.Error("outbox: recording a send failed", "message_id", r.ID, "outcome", r.Outcome, "err", err)
		return
	}
	switch r.Outcome {
	case booking.SendUnknown:
		// The error text is from the transport; it never contains the body.
		w.Log.Error("outbox: send outcome unknown, needs attention, not re-sent", "message_id", r.ID, "err", r.Error)
	case booking.SendFailed:
		w.Log.Warn("outbox: message failed", "message_id", r.ID, "err", r.Error)
	case booking.SendRetry:
		w.Log.Info("outbox: send will be retried", "message_id", r.ID, "at", r.NextTryAt, "err", r.Error)
	}
}
