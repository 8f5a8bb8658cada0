package booking

import "time"

// PurgePolicy says what personal data is old enough to delete.
type PurgePolicy struct {
	Now              time.Time
	BookingsBefore   time.Time // finished bookings with an earlier date
	CallsBefore      time.Time // calls ended earlier
	JourneysBefore   time.Time // call journeys of calls started earlier
	MessagesBefore   time.Time // sent or failed SMS, inbound replies, dev inbox
	AuditBefore      time.Time
	KeepNoShowsSince time.Time // no-shows that still count towards a ban
	// Limit bounds the rows of each kind (the calls, for journeys) one
	// transaction deletes; 0 takes them all at once.
	Limit int
	// Again, when set, names the kinds a bounded run left more of: only
	// they run (and, with any deletion a citizen's purge waits on, all of
	// those), not every kind's search again.
	Again map[string]bool
}

// PurgeResult counts deleted rows per kind. In a bounded dry run, a count
// that reached the bound, and every one of a citizen's deletions
// (CitizenPurge) when any of them did, is under the kind's name with
// AtLeast after it.
type PurgeResult map[string]int

// AtLeast ends the name of a kind in a dry run's PurgeResult when the
// bounded run took all it could: there are that many or more.
const AtLeast = "_at_least"

// CitizenPurge says whether kind is one of the deletions a citizen's
// purge waits on, the citizen's own included: a bounded run that left
// more of any of them may have left citizens it could purge next time.
func CitizenPurge(kind string) bool {
	switch kind {
	case "bookings", "waitlist", "accounts", "account_tokens", "citizens":
		return true
	}
	return false
}

// JobTx is what the scheduler does inside one transaction.
type JobTx interface {
	// ClaimFire records (job, fire time); false when another process did.
	ClaimFire(job string, fireAt time.Time, by string, now time.Time) (bool, error)
	FinishFire(job string, fireAt time.Time, now time.Time, result, errText string) error
	Purge(p PurgePolicy) (PurgeResult, error)
}
