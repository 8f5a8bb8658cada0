package jobs

import (
	"context"
	"time"

	"yuyue/booking"
)

// consoleFailuresKept is how long failed console logins are kept: far longer
// than login throttling looks back (an hour), short enough to hold no
// history of addresses.
const consoleFailuresKept = 24 * time.Hour

// consoleIdleKept: a session unused this long is dead whatever the idle
// timeout (it is also the sessions' absolute lifetime).
const consoleIdleKept = 8 * time.Hour

// purgeConsole deletes ended console sessions and old login failures, and
// adds the counts to res.
func purgeConsole(ctx context.Context, svc *booking.Service, now time.Time, res Result) error {
	s, f, err := svc.PurgeConsole(ctx, now, now.Add(-consoleIdleKept), now.Add(-consoleFailuresKept))
	res["console_sessions"], res["login_failures"] = s, f
	return err
}
