package booking

import (
	"context"
	"strings"
	"time"
)

// Call event kinds: what made a call's state change.
const (
	CallStart    = "start"    // the call arrived
	CallInput    = "input"    // the caller pressed keys or spoke
	CallTransfer = "transfer" // a transfer to the operator ended
	CallEnd      = "end"      // the call hung up
)

// CallEvent is one saved step of a call: its journey, as the console shows
// it. Keys are masked at the ID number, phone number and code steps before
// they reach the store; Caller is the masked calling number (start rows).
type CallEvent struct {
	SID      string
	Seq      int
	At       time.Time
	Kind     string
	Channel  string
	Caller   string
	FromStep string
	Step     string
	Keys     string
	SMS      string // comma-separated message kinds queued by the step
	Detail   string
}

// CallSummary is one call in the journey search.
type CallSummary struct {
	SID       string
	Channel   string
	Caller    string // masked
	StartedAt time.Time
	LastStep  string
	Events    int
}

// CallFilter selects calls by their start; Tail, when set, is the last
// digits of the calling number (the masked number keeps its last four).
type CallFilter struct {
	From, To time.Time
	Tail     string
	Limit    int
}

// JourneyTx is what the call journeys need inside one transaction.
type JourneyTx interface {
	AddCallEvent(e CallEvent) error
	CallSummaries(f CallFilter) ([]CallSummary, error)
	CallEvents(sid string) ([]CallEvent, error)
}

// SearchCalls lists calls started within f, newest first, no further back
// than keep (retention.calls).
func (s *Service) SearchCalls(ctx context.Context, f CallFilter, keep time.Duration) ([]CallSummary, error) {
	if oldest := s.Now().Add(-keep); f.From.Before(oldest) {
		f.From = oldest
	}
	if f.To.IsZero() {
		f.To = s.Now().Add(time.Minute)
	}
	f.Tail = strings.TrimSpace(f.Tail)
	if strings.Trim(f.Tail, "0123456789") != "" || len(f.Tail) > 4 {
		return nil, Errorf(EInvalid, "the number tail is at most 4 digits")
	}
	if f.Limit <= 0 {
		f.Limit = 200
	}
	var out []CallSummary
	err := s.store.View(ctx, func(tx Tx) (err error) {
		out, err = tx.CallSummaries(f)
		return err
	})
	return out, err
}

// CallJourney returns the steps of one call of the last keep and audits
// who looked at it and why; a call older than keep is not found.
func (s *Service) CallJourney(ctx context.Context, a Actor, sid, reason string, keep time.Duration) ([]CallEvent, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, Errorf(EInvalid, "a reason is required to open a call journey")
	}
	var out []CallEvent
	err := s.store.InTx(ctx, func(tx Tx) (err error) {
		if out, err = tx.CallEvents(sid); err != nil {
			return err
		}
		if len(out) == 0 || out[0].At.Before(s.Now().Add(-keep)) {
			return Errorf(ENotFound, "no call %s within retention", sid)
		}
		return s.audit(tx, a, "call.view", 0, 0, "%s %s: %s", out[0].Caller, sid, reason)
	})
	return out, err
}
