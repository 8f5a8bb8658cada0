// Package jobs holds the scheduled jobs of SPEC §5, one file each, and the
// scheduler that runs them with robfig/cron in Asia/Shanghai, claiming each
// fire in the database so several processes run it once.
package jobs

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"yuyue/booking"
)

// Result counts what a run did, by what.
type Result map[string]int

func (r Result) String() string {
	keys := make([]string, 0, len(r))
	for k := range r {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%d", k, r[k])
	}
	return strings.Join(parts, " ")
}

// Job is one scheduled job. Run must be idempotent: running it twice for
// the same moment changes nothing the second time.
type Job interface {
	Name() string
	Run(ctx context.Context, svc *booking.Service) (Result, error)
}

// Retention says how long finished personal data is kept (purge).
type Retention struct {
	Bookings, CallSessions, Calls, Messages, Audit time.Duration
}

// All returns every job in SPEC §5's order.
func All(ret Retention) []Job {
	return []Job{Release{}, NoShow{}, Remind{}, Slots{}, Purge{Retention: ret}}
}

// Find returns the job called name.
func Find(jobs []Job, name string) (Job, bool) {
	for _, j := range jobs {
		if j.Name() == name {
			return j, true
		}
	}
	return nil, false
}

var actor = func(name string) booking.Actor {
	return booking.Actor{Name: "job:" + name, Channel: booking.ChannelJob}
}

// DryRun returns a copy of svc whose writes are rolled back.
func DryRun(svc *booking.Service) *booking.Service {
	return svc.DryRun()
}
