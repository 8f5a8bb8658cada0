package booking

import (
	"context"
	"time"
	"unicode/utf8"
)

// A name given over the SIP trunk is confirmed in writing: a recogniser
// cannot tell 张 from 章, and a name cannot be keyed. The phone being
// verified gets the name as heard (MsgNameHeard), or, with no recogniser,
// is asked for it (MsgNameAsk); its reply "XM 张三" sets or corrects the
// pending name until the booking is confirmed. The pending name lives in
// the database, so a reply reaches the call whichever node holds it.

// NameReplyFor is how long a pending name waits for its reply.
const NameReplyFor = time.Hour

// NameReply is a pending written name: the phone asked, the name heard
// or replied, when it was first asked and when a reply set it.
type NameReply struct {
	Phone     string
	Name      string
	AskedAt   time.Time
	RepliedAt time.Time
}

func (s *Service) pendingName(tx Tx, phone string) (NameReply, bool, error) {
	r, err := tx.NameReply(phone)
	switch {
	case ErrorCode(err) == ENotFound:
		return r, false, nil
	case err != nil:
		return r, false, err
	}
	return r, s.Now().Sub(r.AskedAt) < NameReplyFor, nil
}

// AskName opens (or refreshes) phone's pending name and texts the phone:
// the name as heard when a recogniser gave one, else the request to reply
// with it. A name already set by a reply is kept; the same text is not
// sent twice for one pending name.
func (s *Service) AskName(ctx context.Context, phone, heard string) error {
	heard = CleanText(heard)
	return s.store.InTx(ctx, func(tx Tx) error {
		r, fresh, err := s.pendingName(tx, phone)
		if err != nil {
			return err
		}
		if !fresh {
			r = NameReply{Phone: phone, AskedAt: s.Now()}
		}
		var msg *Message
		switch {
		case heard != "" && r.RepliedAt.IsZero() && r.Name != heard:
			r.Name = heard
			msg = &Message{To: phone, Kind: MsgNameHeard, Params: map[string]string{"heard": heard}}
		case heard == "" && !fresh:
			msg = &Message{To: phone, Kind: MsgNameAsk, Params: map[string]string{}}
		}
		if err := tx.PutNameReply(r, s.Now().Add(-NameReplyFor)); err != nil {
			return err
		}
		if msg != nil {
			return tx.Enqueue(*msg)
		}
		return nil
	})
}

// PendingName is the name pending for phone ("" when none is pending or
// none was heard or replied yet).
func (s *Service) PendingName(ctx context.Context, phone string) (string, error) {
	var name string
	err := s.store.View(ctx, func(tx Tx) error {
		r, fresh, err := s.pendingName(tx, phone)
		if fresh {
			name = r.Name
		}
		return err
	})
	return name, err
}

// ReplyName applies an SMS reply "XM name" from phone: ENotFound when no
// name is pending for it (none asked, over an hour ago, or the booking is
// already confirmed), EInvalid for an empty or over-long name. A citizen
// the call has already registered with the pending name takes the
// correction too, so the booking's confirmation carries it.
func (s *Service) ReplyName(ctx context.Context, a Actor, phone, name string) (string, error) {
	name = CleanText(name)
	if n := utf8.RuneCountInString(name); n < 1 || n > 30 {
		return "", Errorf(EInvalid, "name must have 1 to 30 characters")
	}
	err := s.store.InTx(ctx, func(tx Tx) error {
		r, fresh, err := s.pendingName(tx, phone)
		if err != nil {
			return err
		}
		if !fresh {
			return Errorf(ENotFound, "no pending name")
		}
		r.Name, r.RepliedAt = name, s.Now()
		if err := tx.PutNameReply(r, s.Now().Add(-NameReplyFor)); err != nil {
			return err
		}
		c, err := tx.CitizenByPhone(phone)
		if ErrorCode(err) == ENotFound || err == nil && (c.CreatedAt.Before(r.AskedAt) || c.Name == name) {
			return nil // not registered by this call (yet), or nothing to correct
		} else if err != nil {
			return err
		}
		c.Name = name
		if err := tx.UpdateCitizen(c); err != nil {
			return err
		}
		return s.audit(tx, a, "citizen.name_reply", c.ID, 0, "name corrected by SMS reply before the booking was confirmed")
	})
	return name, err
}

// CloseName ends phone's pending name: the booking is confirmed, later
// replies change nothing.
func (s *Service) CloseName(ctx context.Context, phone string) error {
	return s.store.InTx(ctx, func(tx Tx) error { return tx.DeleteNameReply(phone) })
}
