package sms

import (
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// lastBudgetWarn holds, per logger, the unix second of its last budget
// warning (*atomic.Int64). Two services in one process (tests) do not
// silence each other.
var lastBudgetWarn sync.Map

// BudgetWarner is booking.Codes.BudgetHit for the SMS channel: it counts
// each refusal and warns, at most once a minute, naming the key (budget is
// its value): a pumping attack must not flood the log as well. log may be
// nil (count only).
func BudgetWarner(log *slog.Logger, budget int) func(now time.Time) {
	return func(now time.Time) {
		smsUnverifiedBudget.Inc()
		if log == nil {
			return
		}
		v, _ := lastBudgetWarn.LoadOrStore(log, new(atomic.Int64))
		at := v.(*atomic.Int64)
		last := at.Load()
		if (last != 0 && now.Unix()-last < 60) || !at.CompareAndSwap(last, now.Unix()) {
			return
		}
		log.Warn("sms: hourly budget of codes to never-verified numbers used up; such codes are refused (possible SMS pumping)",
			"budget", budget, "key", "sms.unverified_per_hour")
	}
}
