package main

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"

	"yuyue/sms"
)

// readiness is what /readyz reports: not ready while the outbox worker or
// the scheduler is not running, the lease is lost or the database does not
// take a write. Warnings (no holiday data ahead) are details, not failures.
type readiness struct {
	outbox   atomic.Bool
	sched    atomic.Bool
	jobsOn   bool
	lease    lease
	db       interface{ Writable(context.Context) error }
	warnings []string
}

// reasons lists why the server is not ready; empty means ready.
func (r *readiness) reasons(ctx context.Context) []string {
	var out []string
	if !r.outbox.Load() {
		out = append(out, "outbox worker not running")
	}
	if r.jobsOn && !r.sched.Load() {
		out = append(out, "scheduler not running")
	}
	if err := r.lease.Check(); err != nil {
		out = append(out, err.Error())
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if err := r.db.Writable(ctx); err != nil {
		out = append(out, "database not writable: "+err.Error())
	}
	return out
}

// currentWarnings adds what the SMS provider said to the start-up
// warnings. An account that cannot send (Aliyun's balance) is a warning,
// not a reason: every node shares the account, and taking them all out of
// the balancer would silence the IVR too; the alert on
// yuyue_sms_provider_account_blocked pages instead.
func (r *readiness) currentWarnings() []string {
	out := append([]string(nil), r.warnings...)
	if code, since := sms.AccountProblem(); code != "" {
		out = append(out, fmt.Sprintf("SMS provider refuses every send since %s (%s): no code or notice goes out until the account is fixed",
			since.Format(time.RFC3339), code))
	}
	return out
}

type readyBody struct {
	Ready    bool     `json:"ready"`
	Reasons  []string `json:"reasons,omitempty"`
	Warnings []string `json:"warnings,omitempty"`
}

func (r *readiness) handler(c *fiber.Ctx) error {
	reasons := r.reasons(c.UserContext())
	body := readyBody{Ready: len(reasons) == 0, Reasons: reasons, Warnings: r.currentWarnings()}
	if !body.Ready {
		c.Status(fiber.StatusServiceUnavailable)
	}
	return c.JSON(body)
}
