package jobs

import (
	"context"

	"yuyue/booking"
)

// Remind queues one reminder per booking for tomorrow, before the 18:00
// cancellation deadline, skipping numbers that opted out.
type Remind struct{}

// Name is the job's name in config, logs and the CLI.
func (Remind) Name() string { return "remind" }

// Run queues what is due.
func (j Remind) Run(ctx context.Context, svc *booking.Service) (Result, error) {
	n, err := svc.SendReminders(ctx, actor(j.Name()))
	return Result{"reminders": n}, err
}
