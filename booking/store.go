package booking

import (
	"context"
	"time"
)

// Store is persistence for the Service. Every rule that must hold under
// concurrency (capacity, one active booking per business, one phone per ID)
// is enforced by the store's schema and surfaces as a domain error code.
type Store interface {
	// InTx runs fn in one write transaction, committed when fn returns nil
	// and rolled back on error or panic. It behaves as if no other writer
	// ran until it ends (SQLite: none does; PostgreSQL: SERIALIZABLE), so
	// what fn reads is still true when it commits. fn may run more than
	// once before one run commits (the store retries a transaction the
	// database gave up): it must set what it hands out of the
	// transaction, never add to it, and do nothing else outside it.
	InTx(ctx context.Context, fn func(Tx) error) error
	// View runs fn on a read-only snapshot; fn must not write.
	View(ctx context.Context, fn func(Tx) error) error
}

// QueueStore is a Store that runs the outbox's work-queue transactions in
// a kind of their own: fn's rules are kept by the locks it takes — the row
// locks of a claim that skips rows other workers hold (the outbox's FOR
// UPDATE SKIP LOCKED), the lock on a number RecordSend takes for the
// China guard — so it need not be serial with every other writer: on
// PostgreSQL it runs at READ COMMITTED, and the nodes' workers claim and
// record side by side. fn refuses nothing: any error it returns, as
// InOutboxTx's, makes the transaction it shared run again without it
// (each of its calls alone), so it is kept for failures. A Store without
// it claims in InTx.
type QueueStore interface {
	InQueueTx(ctx context.Context, fn func(Tx) error) error
}

// OutboxStore is a Store that runs the outbox's record of a send
// (FinishSend; and the Twilio China guard's ReserveMainlandSend and
// ForgetMainlandSend where it is no QueueStore) in InOutboxTx: a
// transaction as serial as InTx, run
// by a writer that does not queue behind the channels' writes. Its
// calls share commits without a savepoint each, since this work has no
// domain refusal to undo alone: an error from fn abandons the shared
// transaction, whose calls then run again each alone. A Store without it
// uses InTx.
type OutboxStore interface {
	InOutboxTx(ctx context.Context, fn func(Tx) error) error
}

// UrgentStore is a Store that can run a call step ahead of the steps
// waiting for the node's writer: InUrgentTx is InTx (serial, group
// commit) for a step that texts a caller a code, who then waits for the
// text while, in a rush, hundreds of steps that only move other calls
// along wait for the same writer. Such steps never take all the commits
// while others wait (sqlstore's writer loop says how). A Store without it
// runs them as any other.
type UrgentStore interface {
	InUrgentTx(ctx context.Context, fn func(Tx) error) error
}

// GuardedStore is a Store that can run a call step whose rules are all
// kept by the rows it writes and by unique indexes (a code entered, a
// citizen registered) without the serializable checks: on PostgreSQL
// REPEATABLE READ, whose predicate-free snapshot cannot fail on reads
// that merely neighbour another node's writes. Only such writes are
// allowed, and a constraint violation counts as one that is not;
// either ends the attempt with ran false and nothing of it left, and
// the caller runs fn serially. A Store without it runs such steps as
// any other.
type GuardedStore interface {
	TryGuardedTx(ctx context.Context, fn func(Tx) error) (ran bool, err error)
}

// LightStore is a Store that can run a call step lightly first: fn's
// writes, in that attempt, may only be the call's session and journey
// rows, under no isolation beyond the session's compare-and-set; any other
// write ends the attempt. TryLightTx makes that attempt only: ran is
// false, and nothing of it remains, when fn must run serially, and the
// caller chooses how (InTx, or InUrgentTx for a step that texts a code).
// A Store without it runs steps in InTx.
type LightStore interface {
	TryLightTx(ctx context.Context, fn func(Tx) error) (ran bool, err error)
}

// PlaceFilter selects places; zero fields do not filter.
type PlaceFilter struct {
	Office, Business string
	From, To         Date // inclusive
	OnlyFree         bool
}

// BookingFilter selects bookings; zero fields do not filter.
type BookingFilter struct {
	CitizenID         int64
	PlaceID           int64
	Office, Business  string
	From, To          Date // inclusive appointment dates
	Statuses          []Status
	HoldExpiredBefore time.Time // holds whose TTL ran out before this
	NotReturned       bool      // place not yet back in the pool
	NotReminded       bool
	Limit             int
}

// AuditFilter selects audit entries; zero fields do not filter.
type AuditFilter struct {
	Actor     string
	CitizenID int64
	BookingID int64
	Action    string // e.g. booking.confirm
	From, To  time.Time
	Limit     int
	Offset    int // for paging, with Limit
}

// HoldFacts is what a hold reads before it writes (Tx.HoldFacts).
type HoldFacts struct {
	Citizen        Citizen
	Place          Place
	CatalogVersion int64 // CatalogVersion
	// Lapsed: the citizen has holds of the place's business that lapsed at
	// the time asked (held, hold_expires_at at or before it), which
	// expireOwnHolds ends.
	Lapsed bool
	// Active: the citizen has an active booking of the business that is
	// not a hold lapsed before the time asked (refuseActive).
	Active bool
	// Waiting: the citizen has a live waitlist entry for the business.
	Waiting bool
}

// ConfirmFacts is what a confirmation reads before it writes
// (Tx.ConfirmFacts).
type ConfirmFacts struct {
	Booking Booking
	Citizen Citizen // the booking's citizen
	// Verified: the citizen's phone passed a code of the purpose asked,
	// still valid at the time asked (PhoneVerified).
	Verified bool
	// ReferenceTaken: the reference asked about is already a booking's
	// (BookingByReference finds it).
	ReferenceTaken bool
}

// Tx is what the Service may do inside one transaction.
type Tx interface {
	// Savepoint runs fn as a nested atomic unit: its writes are undone if
	// it returns an error or panics, and the transaction goes on.
	Savepoint(fn func(Tx) error) error

	CitizenByID(id int64) (Citizen, error)
	CitizenByIDNumber(idNumber string) (Citizen, error) // active citizens only
	CitizenByPhone(phone string) (Citizen, error)       // active citizens only
	InsertCitizen(c *Citizen) error                     // EPhoneLinked, EConflict
	UpdateCitizen(c Citizen) error                      // EPhoneLinked, EConflict

	Place(id int64) (Place, error)
	Places(f PlaceFilter) ([]Place, error)
	UpsertPlaces(ps []Place) (int, error) // opens new places, never shrinks below taken
	TakePlace(id int64) error             // EFull when no capacity is left
	ReturnPlace(id int64) error

	// HoldFacts reads in one statement what a hold of place placeID by
	// citizen citizenID checks first (CitizenByID, Place, CatalogVersion,
	// and the citizen's lapsed holds, active bookings and live waitlist
	// entries of the place's business at now); ENotFound when the
	// citizen or the place does not exist.
	HoldFacts(citizenID, placeID int64, now time.Time) (HoldFacts, error)
	// ConfirmFacts reads in one statement a booking, its citizen,
	// whether the citizen's phone is verified for purpose at now and
	// whether reference is taken; ENotFound when the booking does not
	// exist.
	ConfirmFacts(bookingID int64, purpose string, now time.Time, reference string) (ConfirmFacts, error)

	InsertBooking(b *Booking) error // EActive when one is active for the business
	Booking(id int64) (Booking, error)
	BookingByReference(ref string) (Booking, error)
	Bookings(f BookingFilter) ([]Booking, error)
	UpdateBooking(b Booking) error
	NextQueueNo(office string, d Date) (int, error)
	NoShowTimes(citizenID int64, since time.Time) ([]time.Time, error)

	PhoneVerified(phone, purpose string, now time.Time) (bool, error)
	SetPhoneVerified(phone, purpose string, until time.Time) error

	Enqueue(m Message) error

	// NameReply is phone's pending written name (ENotFound: none).
	NameReply(phone string) (NameReply, error)
	// PutNameReply writes it and drops those asked before staleBefore.
	PutNameReply(r NameReply, staleBefore time.Time) error
	DeleteNameReply(phone string) error
	Audit(e AuditEntry) error
	AuditLog(f AuditFilter) ([]AuditEntry, error)

	SMSTx
	ProviderTx
	SMSLimitsTx
	CallTx
	JourneyTx
	DashboardTx
	JobTx
	OperatorTx
	AccountTx
	ConsoleTx
	WebTx
	ClosureTx
	WaitlistTx
}
