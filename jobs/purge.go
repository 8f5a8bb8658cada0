package jobs

import (
	"context"

	"yuyue/booking"
)

// Purge deletes expired codes, finished call sessions and personal data past
// retention; never an active booking, never a no-show that still counts.
// Inbound SMS lose their sender and reply after retention.messages but keep
// their MessageSid for good: a captured signed webhook replayed later must
// still be recognised and not applied again.
type Purge struct{ Retention Retention }

// purgeBatch bounds the rows of each kind one purge transaction deletes:
// the first run after retention is shortened may have millions, and the
// writer keeps what a transaction's savepoint changed in memory.
const purgeBatch = 1000

// Name is the job's name in config, logs and the CLI.
func (Purge) Name() string { return "purge" }

// Run deletes what is due.
func (j Purge) Run(ctx context.Context, svc *booking.Service) (Result, error) {
	now := svc.Now().In(svc.Catalog.Calendar.Loc)
	p := booking.PurgePolicy{
		Now:              now,
		BookingsBefore:   now.Add(-j.Retention.Bookings),
		CallsBefore:      now.Add(-j.Retention.CallSessions),
		JourneysBefore:   now.Add(-j.Retention.Calls),
		MessagesBefore:   now.Add(-j.Retention.Messages),
		AuditBefore:      now.Add(-j.Retention.Audit),
		KeepNoShowsSince: now.AddDate(0, -svc.Rules.BanMonths, 0),
		Limit:            purgeBatch,
	}
	r, err := svc.Purge(ctx, p)
	if err != nil {
		return Result(r), err
	}
	res := Result(r)
	return res, purgeConsole(ctx, svc, now, res)
}
