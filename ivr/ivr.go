package ivr

import (
	"context"
	"log/slog"
	"strconv"
	"time"

	"yuyue/booking"
)

// IVR drives calls: it loads a call's session, applies one input, saves the
// session and renders what the caller hears next.
type IVR struct {
	Svc       *booking.Service
	Codes     *booking.Codes
	Voice     Voice
	PublicURL string
	Log       *slog.Logger
	// SIPNames: calls over the SIP trunk take names by speech (a
	// recogniser is wired); false sends new citizens to the operator.
	SIPNames bool

	sealer *sealer
}

// New builds the IVR; sealKey (32 bytes) protects ID numbers in sessions.
func New(svc *booking.Service, codes *booking.Codes, voice Voice, publicURL string, sealKey []byte, log *slog.Logger) (*IVR, error) {
	s, err := newSealer(sealKey)
	if err != nil {
		return nil, err
	}
	return &IVR{Svc: svc, Codes: codes, Voice: voice, PublicURL: publicURL, Log: log, sealer: s}, nil
}

// call is the working state of one request. svc and codes are the
// IVR's, or copies bound to the step's transaction while it applies.
type call struct {
	v      *IVR
	svc    *booking.Service
	codes  *booking.Codes
	ctx    context.Context
	rec    booking.CallRecord
	s      *Session
	notes  []string
	actor  booking.Actor
	kicked bool              // a code was queued: wake the outbox after commit
	ev     booking.CallEvent // the journey row this step writes (journey.go)
	texts  bool              // the input being applied will text a code (textsCode)
}

func (c *call) note(key string, args ...any) {
	c.notes = append(c.notes, say(c.s.Lang, key, args...))
}

func (c *call) step() Step { return Step(c.rec.Step) }

// load reads the stored call, or ErrNotFound.
func (v *IVR) load(ctx context.Context, sid string) (*call, error) {
	rec, err := v.Svc.Call(ctx, sid)
	if err != nil {
		return nil, err
	}
	s, err := decodeSession(v.sealer, rec.SID, rec.Data)
	if err != nil {
		return nil, err
	}
	return v.newCall(ctx, rec, s), nil
}

func (v *IVR) newCall(ctx context.Context, rec booking.CallRecord, s *Session) *call {
	return &call{v: v, svc: v.Svc, codes: v.Codes, ctx: ctx, rec: rec, s: s,
		actor: booking.Actor{Name: booking.MaskPhone(rec.From) + " " + rec.SID, Channel: channelOf(rec.SID)}}
}

// save writes the session if no other request advanced the call meanwhile.
func (c *call) save(prevSeq int, insert bool) error {
	if err := c.seal(); err != nil {
		return err
	}
	return c.v.Svc.SaveCall(c.ctx, c.rec, prevSeq, insert, c.event(insert))
}

// seal puts the encoded session into the call record.
func (c *call) seal() error {
	data, err := c.s.encode(c.v.sealer, c.rec.SID)
	if err != nil {
		return err
	}
	c.rec.Data, c.rec.UpdatedAt = data, c.v.Svc.Now()
	return nil
}

// applyAndSave applies one input and saves the session in a single transaction:
// the step's bookings, codes and outbox rows commit together with the new
// state, or not at all. One commit per step instead of up to three.
//
// Requests for one call are not serialised in the process: the session
// row's seq is the compare-and-set. Two requests that both read seq n both
// apply, but only one saves n+1; the other's transaction, effects
// included, rolls back with EConflict. This holds across several nodes on
// one database, and nothing is kept per call in memory.
func (c *call) applyAndSave(in input) error {
	c.ev = booking.CallEvent{Kind: booking.CallInput, Keys: journeyKeys(c.step(), in)}
	c.texts = c.textsCode(in)
	defer func() { c.texts = false }()
	return c.inTx(func() error { return c.apply(in) })
}

// textsCode says whether in, at the call's step, will text the caller a
// code unless a rule refuses it: the caller confirmed the calling number,
// keyed another, or asked for a new code. Such a step goes ahead of the
// others waiting for the node's writer (booking.Service.CodeStep). Codes
// sent from other steps (a registered caller's, at the menu or after the
// ID) are found out by the step's light attempt.
func (c *call) textsCode(in input) bool {
	switch c.step() {
	case StepPhoneChoice:
		return in.digits == "1"
	case StepPhoneNumber:
		return in.digits != ""
	case StepCode:
		return in.digits == "*"
	}
	return false
}

// guarded says whether the input being applied keeps its rules on the rows
// it writes (booking.Service.GuardedStep): a code entered, whose attempts,
// the number's verification and a registration each live on their own row
// or a unique index; what else it may write makes it run serially. Not
// when the step may register a SIP caller under the name they texted
// (writesName): that name is read from the reply, which an SMS may correct
// on another node at the same moment, and only a serializable pair of
// transactions sees that the registration then misses the correction.
func (c *call) guarded() bool { return c.step() == StepCode && !c.texts && !c.writesName() }

// inTx runs fn with the call's service and codes bound to one transaction
// and saves the session in it under the seq compare-and-set.
func (c *call) inTx(fn func() error) error {
	prev, from := c.rec.Seq, c.rec.Step
	rec0, s0, notes0, ev0 := c.rec, c.s.clone(), len(c.notes), c.ev
	var budgetHit time.Time // a code refused for the unverified budget in the last run
	run := c.v.Svc.Step
	switch {
	case c.texts:
		run = c.v.Svc.CodeStep
	case c.guarded():
		run = c.v.Svc.GuardedStep
	}
	err := run(c.ctx, prev, from, func(bound *booking.Service) (booking.CallRecord, booking.CallEvent, error) {
		// The store may run this more than once (a transaction the database
		// gave up runs again): each run starts from the call as it was,
		// not from what an abandoned run made of it.
		c.rec, c.s, c.notes, c.ev, c.kicked, budgetHit = rec0, s0.clone(), c.notes[:notes0], ev0, false, time.Time{}
		c.svc = bound
		codes := *c.v.Codes
		codes.Svc, codes.Kick = c.svc, func() { c.kicked = true }
		codes.BudgetHit = func(at time.Time) { budgetHit = at }
		c.codes = &codes
		if err := fn(); err != nil {
			return booking.CallRecord{}, booking.CallEvent{}, err
		}
		c.ev.FromStep = from
		c.rec.Seq = prev + 1
		if err := c.seal(); err != nil {
			return booking.CallRecord{}, booking.CallEvent{}, err
		}
		return c.rec, c.event(false), nil
	})
	c.svc, c.codes = c.v.Svc, c.v.Codes // the transaction is over
	if err == nil && c.kicked && c.v.Codes.Kick != nil {
		c.v.Codes.Kick()
	}
	if !budgetHit.IsZero() && c.v.Codes.BudgetHit != nil {
		c.v.Codes.BudgetHit(budgetHit)
	}
	return err
}

// view is what the caller hears now: the notes, then the current step.
func (c *call) view() view {
	w := c.prompt()
	w.lines = append(c.notes, w.lines...)
	if w.gather != nil {
		w.gather.step, w.gather.seq = c.rec.Step, strconv.Itoa(c.rec.Seq)
	}
	w.seq, w.agent, w.rate = strconv.Itoa(c.rec.Seq), agentContext(c.rec.Context), c.rate()
	return w
}
