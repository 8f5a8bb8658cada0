package booking

import (
	"context"
	"sync"
)

// Call returns the stored state of the voice call sid.
func (s *Service) Call(ctx context.Context, sid string) (rec CallRecord, err error) {
	err = s.store.View(ctx, func(tx Tx) (err error) { rec, err = tx.Call(sid); return err })
	return rec, err
}

// SaveCall stores a call's state and its journey event: a new call when
// insert, else only if the stored seq is still prevSeq (EConflict: another
// request for the call got there first). A new call's only writes are its
// own session and journey rows, so it is tried lightly first, as a step
// that moves a call along is (runStep): run serially, the first step of
// every call shared the serializable batches of the steps that book, and
// was run again with them whenever two nodes' bookings failed each other.
func (s *Service) SaveCall(ctx context.Context, rec CallRecord, prevSeq int, insert bool, ev CallEvent) error {
	if !insert {
		return s.store.InTx(ctx, func(tx Tx) error { return saveStep(tx, rec, prevSeq, ev) })
	}
	body := func(tx Tx) error {
		if err := tx.InsertCall(rec); err != nil {
			return err
		}
		return tx.AddCallEvent(ev)
	}
	return s.runStep(WithWorkLabel(ctx, "ivr.start"), "start", stepPlain, body, func() bool { return false })
}

// saveStep saves a call's state under the seq compare-and-set and its
// journey event: in one go where tx can (StepSaver).
func saveStep(tx Tx, rec CallRecord, prevSeq int, ev CallEvent) error {
	if ss, ok := tx.(StepSaver); ok {
		return ss.SaveStep(rec, prevSeq, ev)
	}
	if err := tx.UpdateCall(rec, prevSeq); err != nil {
		return err
	}
	return tx.AddCallEvent(ev)
}

// Step runs one step of a channel's conversation atomically: fn gets a
// copy of the service bound to one transaction (its operations, and the
// codes a Codes on that copy issues, commit together or not at all) and
// returns the call's new state and its journey event, saved in the same
// transaction under the seq compare-and-set against prevSeq; the event
// gets the kinds of the SMS the step queued. An error from fn or a lost
// compare-and-set rolls everything back.
func (s *Service) Step(ctx context.Context, prevSeq int, step string, fn func(bound *Service) (CallRecord, CallEvent, error)) error {
	return s.step(ctx, prevSeq, step, stepPlain, fn)
}

// GuardedStep is Step for a step the channel knows keeps its rules on the
// rows it writes (a code entered: its attempts, the number's verification,
// a registration): where it must run serially it first runs guarded
// (GuardedStore), which two nodes do side by side without failing each
// other on what they merely read.
func (s *Service) GuardedStep(ctx context.Context, prevSeq int, step string, fn func(bound *Service) (CallRecord, CallEvent, error)) error {
	return s.step(ctx, prevSeq, step, stepGuarded, fn)
}

// stepKind is what the channel knows of a step before it runs.
type stepKind int

const (
	stepPlain   stepKind = iota
	stepTexts            // texts a code (CodeStep)
	stepGuarded          // keeps its rules on its own rows (GuardedStep)
)

// CodeStep is Step for a step the channel expects to text the caller a
// code (the caller confirmed the number, keyed another, asked for a new
// code): it runs serially at once, ahead of the steps waiting for the
// node's writer (UrgentStore).
func (s *Service) CodeStep(ctx context.Context, prevSeq int, step string, fn func(bound *Service) (CallRecord, CallEvent, error)) error {
	return s.step(ctx, prevSeq, step, stepTexts, fn)
}

func (s *Service) step(ctx context.Context, prevSeq int, step string, kind stepKind, fn func(bound *Service) (CallRecord, CallEvent, error)) error {
	var last *stepSMS // the latest run's
	body := func(tx Tx) error {
		last = &stepSMS{}
		rec, ev, err := fn(s.Bound(smsTap{Tx: tx, sms: last}))
		if err != nil {
			return err
		}
		ev.SMS = last.kinds
		return saveStep(tx, rec, prevSeq, ev)
	}
	ctx = WithWorkLabel(ctx, "ivr."+step)
	return s.runStep(ctx, step, kind, body, func() bool { return last != nil && last.code })
}

// runStep runs a step's body in the store. A step that texts the caller a
// code runs serially ahead of the steps waiting for the node's writer
// (UrgentStore): the caller now waits for the text, and in a rush
// hundreds of steps that only move other calls along wait there. Such a
// step is known beforehand (texts, from the channel), else by its light
// attempt, which asked to queue a code (texted, after the attempt). Most
// other steps only move the call along and run lightly (LightStore); a
// step that just had to run again serially goes serial at once for a
// while (lightHints).
func (s *Service) runStep(ctx context.Context, step string, kind stepKind, body func(Tx) error, texted func() bool) error {
	u, urgent := s.store.(UrgentStore)
	if urgent && kind == stepTexts {
		return u.InUrgentTx(ctx, body)
	}
	l, ok := s.store.(LightStore)
	if !ok {
		return s.serialStep(ctx, kind, body, texted)
	}
	serial, probe := s.hints.serial(step)
	if serial {
		return s.serialStep(ctx, kind, body, texted)
	}
	outcome := probeNoHint // also when the attempt panics: the probe ends
	if probe {
		defer func() { s.hints.probed(step, outcome) }()
	}
	ran, err := l.TryLightTx(ctx, body)
	if ran {
		if err == nil { // a failure (a lost compare-and-set, a timeout) says nothing of the step
			outcome = probeLight
		}
		return err
	}
	if texted() {
		// Not a hint for the step: the menu, say, texts a registered
		// caller a code but only moves everyone else's call along.
		return s.serialTx(ctx, body, texted)
	}
	outcome = probeEscalated
	if !probe {
		s.hints.escalated(step)
	}
	return s.serialStep(ctx, kind, body, texted)
}

// serialStep runs a step that must run with more than a light attempt's
// writes: guarded first where the channel said it may be and the store
// can (GuardedStore), else, or when that attempt wrote more, serially —
// ahead of the queue if it texted a code (UrgentStore).
func (s *Service) serialStep(ctx context.Context, kind stepKind, body func(Tx) error, texted func() bool) error {
	if g, ok := s.store.(GuardedStore); ok && kind == stepGuarded {
		if ran, err := g.TryGuardedTx(ctx, body); ran {
			return err
		}
		return s.serialTx(ctx, body, texted)
	}
	return s.store.InTx(ctx, body)
}

// serialTx runs a step serially after an attempt that was refused: ahead
// of the queue when that attempt texted a code (UrgentStore).
func (s *Service) serialTx(ctx context.Context, body func(Tx) error, texted func() bool) error {
	if u, ok := s.store.(UrgentStore); ok && texted() {
		return u.InUrgentTx(ctx, body)
	}
	return s.store.InTx(ctx, body)
}

// lightHints remembers, per IVR step, that its last light attempt had to
// run again serially: the next serialRuns runs of that step skip the
// light attempt (whose work would be thrown away), then one run tries
// lightly again (the probe) while the others that arrive before it is
// done go on serially. A step that only moves the call along always runs
// lightly; one that always writes more wastes one attempt in
// serialRuns+1, however many callers reach it at once. (Without the
// probe, every run that began while the first light attempt after the
// skip was still out tried lightly too: with 64 callers on one
// PostgreSQL node, a step in fourteen was such an attempt thrown away.)
type lightHints struct {
	mu      sync.Mutex
	skip    map[string]int  // steps that escalated: runs left to skip the light attempt
	probing map[string]bool // steps whose probe is out
}

const serialRuns = 16

// probe outcomes (lightHints.probed)
const (
	probeLight     = iota // ran lightly: the step is light again
	probeNoHint           // asked to text a code, or failed: says nothing of the step
	probeEscalated        // had to run again serially: skip again
)

// serial reports whether step skips its light attempt, and probe whether
// this run is the step's probe, which must end in probed.
func (h *lightHints) serial(step string) (serial, probe bool) {
	if h == nil {
		return false, false
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	n, marked := h.skip[step]
	switch {
	case !marked:
		return false, false
	case h.probing[step]:
		return true, false
	case n > 0:
		h.skip[step] = n - 1
		return true, false
	}
	if h.probing == nil {
		h.probing = map[string]bool{}
	}
	h.probing[step] = true
	return false, true
}

// probed ends step's probe: one that ran lightly forgets the step's
// escalation, one that escalated skips again, and one that texted a code
// (or failed) leaves the next run to probe again.
func (h *lightHints) probed(step string, outcome int) {
	if h == nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.probing, step)
	switch outcome {
	case probeLight:
		delete(h.skip, step)
	case probeEscalated:
		h.skip[step] = serialRuns
	}
}

// escalated notes that a light attempt of step, not its probe, had to run
// again serially.
func (h *lightHints) escalated(step string) {
	if h == nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.skip == nil {
		h.skip = map[string]int{}
	}
	h.skip[step] = serialRuns
}

// stepSMS is what one run of a step asked to text: the kinds queued (a
// savepoint's only once it succeeded), for the call's journey, and
// whether it asked to issue a code at all, even where a light attempt was
// refused the write.
type stepSMS struct {
	kinds string
	code  bool
}

// smsTap is a step's transaction, noting in sms the SMS the step queues.
type smsTap struct {
	Tx
	sms *stepSMS
}

// InsertCode notes that the step asks to text a code, before the code's
// row is written: a light attempt is refused that write, before the SMS.
func (t smsTap) InsertCode(c *VerificationCode) error {
	t.sms.code = true
	return t.Tx.InsertCode(c)
}

func (t smsTap) Enqueue(m Message) error {
	if err := t.Tx.Enqueue(m); err != nil {
		return err
	}
	if t.sms.kinds != "" {
		t.sms.kinds += ","
	}
	t.sms.kinds += m.Kind
	return nil
}

func (t smsTap) Savepoint(fn func(Tx) error) error {
	before := t.sms.kinds
	err := t.Tx.Savepoint(func(inner Tx) error { return fn(smsTap{Tx: inner, sms: t.sms}) })
	if err != nil {
		t.sms.kinds = before // rolled back: nothing was queued (but a code was asked for)
	}
	return err
}
