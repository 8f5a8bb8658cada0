package jobs

import (
	"context"

	"yuyue/booking"
)

// Release returns cancelled places and expired holds to the pool, one batch
// per run (放号).
type Release struct{}

// Name is the job's name in config, logs and the CLI.
func (Release) Name() string { return "release" }

// Run releases what is due.
func (j Release) Run(ctx context.Context, svc *booking.Service) (Result, error) {
	r, err := svc.Release(ctx, actor(j.Name()))
	return Result{"holds_expired": r.Expired, "places_returned": r.Returned}, err
}
