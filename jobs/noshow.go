package jobs

import (
	"context"

	"yuyue/booking"
)

// NoShow marks bookings not checked in by period end + grace, applies the
// blacklist and queues the notices.
type NoShow struct{}

// Name is the job's name in config, logs and the CLI.
func (NoShow) Name() string { return "noshow" }

// Run marks what is due.
func (j NoShow) Run(ctx context.Context, svc *booking.Service) (Result, error) {
	r, err := svc.MarkNoShows(ctx, actor(j.Name()))
	return Result{"noshows": r.Marked, "blacklisted": r.Blacklisted}, err
}
