package booking

// The waitlist's audit actions.
const (
	ActWaitJoin    = "waitlist.join"
	ActWaitOffer   = "waitlist.offer"
	ActWaitRequeue = "waitlist.requeue" // a closure withdrew the offer: waiting again
)

// WaitEndAction is the audit action of an entry ending with status st
// (waitlist.accepted, .left, .expired, .ended).
func WaitEndAction(st WaitStatus) string { return "waitlist." + string(st) }

// waitEnds are the statuses an entry ends with.
var waitEnds = []WaitStatus{WaitAccepted, WaitLeft, WaitExpired, WaitEnded}

// AuditActions lists every action the service writes to the audit log, so
// the console can name each one (operator.actionNames). Operators.Change
// audits the action its caller passes (operator.*): they are listed too.
// TestAuditActionsListed holds this list to the package's audit calls.
var AuditActions = append([]string{
	"booking.hold", "booking.release_hold", "booking.confirm", "booking.cancel", "booking.checkin",
	"booking.complete", "booking.attend", "booking.noshow", "booking.reschedule", "booking.view",
	"booking.closure_cancel", "booking.closure_move",
	"blacklist.add", "blacklist.lift",
	"citizen.register", "citizen.update", "citizen.deregister", "citizen.reminders", "citizen.view",
	"citizen.name_reply",
	"places.release", "call.view",
	"login.ok", "login.failed", "login.throttled", "logout",
	"operator.add", "operator.disable", "operator.enable", "operator.reset", "operator.role", "operator.password",
	"account.register", "account.password", "account.login_failed",
	"closure.close", "closure.reopen", "capacity.set", "calendar.set", "calendar.load", "calendar.seed",
	ActWaitJoin, ActWaitOffer, ActWaitRequeue,
}, waitEndActions()...)

func waitEndActions() []string {
	var out []string
	for _, st := range waitEnds {
		out = append(out, WaitEndAction(st))
	}
	return out
}
