package jobs

import (
	"context"

	"yuyue/booking"
)

// Slots opens the places of the newly reachable working day (and any day of
// the window still missing) from the catalog's schedules: none on holidays,
// yes on make-up working days.
type Slots struct{}

// Name is the job's name in config, logs and the CLI.
func (Slots) Name() string { return "slots" }

// Run opens what is due.
func (j Slots) Run(ctx context.Context, svc *booking.Service) (Result, error) {
	n, err := svc.OpenPlaces(ctx)
	return Result{"places_opened": n}, err
}
