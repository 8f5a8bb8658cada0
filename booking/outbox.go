package booking

import (
	"context"
	"time"
)

// The outbox as the SMS channel drives it: the worker claims due messages
// and records what became of each, providers report delivery, and the
// development sender keeps its inbox. Each method is one transaction.

// RecoverSends marks messages a stopped worker left mid-send as unknown
// (never re-sent blindly) and returns how many.
func (s *Service) RecoverSends(ctx context.Context) (n int, err error) {
	err = s.store.InTx(ctx, func(tx Tx) (err error) { n, err = tx.RecoverSending(); return err })
	return n, err
}

// ClaimMessages claims up to limit messages due at now (codes first), in a
// queue transaction where the store has one (QueueStore).
func (s *Service) ClaimMessages(ctx context.Context, now time.Time, limit int) (items []OutboxItem, err error) {
	err = s.inQueueTx(WithWorkLabel(ctx, "sms.claim"), func(tx Tx) (err error) {
		items, err = tx.ClaimMessages(now, limit)
		return err
	})
	return items, err
}

// ProviderBlock is a provider's refusal of a number for the hour or the
// day (Level "hour" or "day"), until Until.
type ProviderBlock struct {
	Level string
	Until time.Time
}

// FinishSend records a send attempt's outcome and, when the provider
// refused the number for a while, the block, so that the citizen's next
// code request is refused and told so instead of being sent again.
func (s *Service) FinishSend(ctx context.Context, to string, r SendResult, block *ProviderBlock) error {
	return s.inOutboxTx(WithWorkLabel(ctx, "sms.record"), func(tx Tx) error {
		if block != nil && block.Level != "" {
			if err := tx.BlockPhone(to, block.Level, block.Until); err != nil {
				return err
			}
		}
		return tx.FinishMessage(r)
	})
}

// SetDeliveryStatus records a provider's delivery status for the message it
// knows as sid; changed is false when a later status is already known.
func (s *Service) SetDeliveryStatus(ctx context.Context, sid, status, errorCode string) (changed bool, err error) {
	err = s.store.InTx(WithWorkLabel(ctx, "sms.delivery"), func(tx Tx) (err error) {
		changed, err = tx.SetDeliveryStatus(sid, status, errorCode)
		return err
	})
	return changed, err
}

// DeliveryReport is one provider delivery report: the provider's id or the
// outbox id, and the status with the carrier's error code.
type DeliveryReport struct {
	SID       string
	OutboxID  int64
	Status    string
	ErrorCode string
}

// SetDeliveryReports records a batch of delivery reports in one
// transaction. each is called with the index of every report, whether it
// changed the row and its error (ENotFound for a message nobody knows);
// what each returns aborts the batch.
func (s *Service) SetDeliveryReports(ctx context.Context, rs []DeliveryReport, each func(i int, changed bool, err error) error) error {
	return s.store.InTx(WithWorkLabel(ctx, "sms.delivery"), func(tx Tx) error {
		for i, r := range rs {
			changed, err := tx.SetDeliveryReport(r.SID, r.OutboxID, r.Status, r.ErrorCode)
			if err := each(i, changed, err); err != nil {
				return err
			}
		}
		return nil
	})
}

// OutboxRows lists the latest outbox messages (to one number when to is
// set), for the console.
func (s *Service) OutboxRows(ctx context.Context, to string, limit int) (rows []OutboxRow, err error) {
	err = s.store.View(ctx, func(tx Tx) (err error) { rows, err = tx.OutboxRows(to, limit); return err })
	return rows, err
}

// OutboxStats counts outbox rows by status.
func (s *Service) OutboxStats(ctx context.Context) (st OutboxStats, err error) {
	err = s.store.View(ctx, func(tx Tx) (err error) { st, err = tx.OutboxStats(); return err })
	return st, err
}

// AddDevMessage keeps a message the development sender did not send.
func (s *Service) AddDevMessage(ctx context.Context, m DevMessage) error {
	return s.store.InTx(ctx, func(tx Tx) error { return tx.AddDevMessage(m) })
}

// DevMessages lists the development inbox (to one number when to is set).
func (s *Service) DevMessages(ctx context.Context, to string, limit int) (ms []DevMessage, err error) {
	err = s.store.View(ctx, func(tx Tx) (err error) { ms, err = tx.DevMessages(to, limit); return err })
	return ms, err
}

// ReserveMainlandSend applies Twilio's China rules to a send to to of a
// body with hash: rule (a name of the rule broken, from the function the
// channel gives) comes back non-empty and nothing is recorded when it may
// not go (a record made is dropped again); else the send is recorded, in
// the same transaction as the check, so two workers cannot both take the
// last place. id undoes it (ForgetMainlandSend) when the send surely did
// not go. Its one rule is kept by the number's lock RecordSend takes, so
// it runs in a queue transaction where the store has one (QueueStore): on
// PostgreSQL at READ COMMITTED, beside the claims, and no longer failed by
// the other nodes' records as a serializable one was.
func (s *Service) ReserveMainlandSend(ctx context.Context, to string, hash []byte, now time.Time,
	rule func(sent [][]byte) string) (id int64, broken string, err error) {
	err = s.inQueueTx(WithWorkLabel(ctx, "sms.china_guard"), func(tx Tx) error {
		// Recorded first, with the sends before it read in the same
		// statement where the store can (RecordSend), and dropped again
		// when it may not go: refusals are rare, sends are not. Both
		// outputs are set on every attempt (one rolled back may re-run).
		var sent [][]byte
		var err error
		broken = ""
		if id, sent, err = tx.RecordSend(to, hash, now, now.Add(-24*time.Hour)); err != nil {
			return err
		}
		if broken = rule(sent); broken != "" {
			err = tx.ForgetSend(id)
			id = 0
		}
		return err
	})
	return id, broken, err
}

// ForgetMainlandSend drops a recorded send that surely did not go.
func (s *Service) ForgetMainlandSend(ctx context.Context, id int64) error {
	return s.inQueueTx(WithWorkLabel(ctx, "sms.china_guard"), func(tx Tx) error { return tx.ForgetSend(id) })
}

// inQueueTx runs outbox work whose rules are kept by the locks it takes
// (a claim's rows, a number's sends) in a queue transaction where the
// store has one (QueueStore), else as inOutboxTx.
func (s *Service) inQueueTx(ctx context.Context, fn func(Tx) error) error {
	if q, ok := s.store.(QueueStore); ok {
		return q.InQueueTx(ctx, fn)
	}
	return s.inOutboxTx(ctx, fn)
}

// inOutboxTx runs a write of the outbox worker's own send path (the record
// of a send, and the China guard's where the store has no queue
// transactions) on the outbox's writer where the store has one
// (OutboxStore), so a send does not wait behind the call steps queued for
// the channels' writer in a rush; elsewhere it is InTx.
func (s *Service) inOutboxTx(ctx context.Context, fn func(Tx) error) error {
	if o, ok := s.store.(OutboxStore); ok {
		return o.InOutboxTx(ctx, fn)
	}
	return s.store.InTx(ctx, fn)
}

// ClaimInbound claims an inbound SMS by its message id: fresh is false
// for a repeat, which gets the stored reply.
func (s *Service) ClaimInbound(ctx context.Context, sid, from string) (reply string, fresh bool, err error) {
	err = s.store.InTx(ctx, func(tx Tx) (err error) {
		reply, fresh, err = tx.ClaimInbound(sid, from, s.Now())
		return err
	})
	return reply, fresh, err
}

// SetInboundReply keeps the reply to an inbound SMS for its repeats.
func (s *Service) SetInboundReply(ctx context.Context, sid, reply string) error {
	return s.store.InTx(ctx, func(tx Tx) error { return tx.SetInboundReply(sid, reply) })
}

// RecordUps keeps a batch of provider up-messages (Aliyun's push), each
// received now, in one transaction.
func (s *Service) RecordUps(ctx context.Context, ups []UpMessage) error {
	return s.store.InTx(ctx, func(tx Tx) error {
		for i := range ups {
			ups[i].ReceivedAt = s.Now()
			if _, err := tx.RecordUp(ups[i]); err != nil {
				return err
			}
		}
		return nil
	})
}

// PendingUps lists up-messages received after since whose command did not
// finish and whose claim is older than staleBefore.
func (s *Service) PendingUps(ctx context.Context, staleBefore, since time.Time, limit int) (seqs []string, err error) {
	err = s.store.InTx(ctx, func(tx Tx) (err error) {
		seqs, err = tx.PendingUps(staleBefore, since, limit)
		return err
	})
	return seqs, err
}

// ClaimUp claims a recorded up-message for handling; mine is false when it
// is handled or another handler claimed it less than lease ago.
func (s *Service) ClaimUp(ctx context.Context, seq string, lease time.Duration) (m UpMessage, mine bool, err error) {
	err = s.store.InTx(ctx, func(tx Tx) (err error) {
		now := s.Now()
		m, mine, err = tx.ClaimUp(seq, now, now.Add(-lease))
		return err
	})
	return m, mine, err
}

// FinishUp queues an up-message's reply (to, when it is a usable number)
// and marks it handled, in one transaction.
func (s *Service) FinishUp(ctx context.Context, seq, to string, reply []Message) error {
	return s.store.InTx(ctx, func(tx Tx) error {
		if to != "" {
			for _, m := range reply {
				m.To = to
				if err := tx.Enqueue(m); err != nil {
					return err
				}
			}
		}
		return tx.FinishUp(seq, s.Now())
	})
}
