package booking

import "time"

// RoleManager is an office manager: a clerk's console for one office, plus
// closing it and changing its capacity.
const RoleManager = "manager"

// Closure actions: what happens to the bookings on a closed day.
const (
	ClosureCancel = "cancel" // cancelled, never counted as a no-show
	ClosureMove   = "move"   // moved to the first free place (spec §2a)
)

// Closure outcomes, per booking.
const (
	OutcomeCancelled = "cancelled"
	OutcomeMoved     = "moved"
)

// Closure message kinds.
const (
	MsgClosureCancel = "closure_cancel"
	MsgClosureMove   = "closure_move"
	// MsgClosureWaitEnded tells a citizen their waitlist entry ended
	// because no open period of its day is left to serve it.
	MsgClosureWaitEnded = "closure_wait_ended"
	// MsgClosureOfferWithdrawn tells a citizen the place a waitlist offer
	// (texted to them) held for them was closed: they wait again.
	MsgClosureOfferWithdrawn = "closure_offer_withdrawn"
)

// ClosureReasons are the reason classes a closure names in its SMS, by code.
var ClosureReasons = map[string]string{
	"typhoon": "台风天气",
	"outage":  "系统故障",
	"health":  "公共卫生事件",
	"other":   "临时原因",
}

// ClosureReasonCodes lists ClosureReasons' codes in the order forms show.
var ClosureReasonCodes = []string{"typhoon", "outage", "health", "other"}

// ClosureRequest is what an administrator or office manager asks to close:
// offices on one date, all day or some periods (by start time).
type ClosureRequest struct {
	Offices     []string
	Date        Date
	Periods     []string // start times; empty: the whole day
	ReasonClass string   // a ClosureReasons code
	Note        string   // free text for the audit, never in the SMS
	Action      string   // ClosureCancel or ClosureMove
}

// ClosureImpact counts what a closure touches.
type ClosureImpact struct {
	Bookings int // booked: each citizen gets an SMS
	Holds    int // unconfirmed holds: released
	Waitlist int // waitlist entries for the closed places
	// Outcomes of a performed closure.
	Cancelled, Moved int
}

// Closure is a performed closure.
type Closure struct {
	ID          int64
	Date        Date
	Offices     []string
	Periods     []string
	ReasonClass string
	Note        string
	Action      string
	CreatedBy   string
	CreatedAt   time.Time
	ReopenedAt  time.Time
	ReopenedBy  string
}

// Active reports whether the closure still stops bookings.
func (c Closure) Active() bool { return c.ReopenedAt.IsZero() }

// ClosedSlot is an office's day (Start "") or period closed by an active
// closure.
type ClosedSlot struct {
	ClosureID int64
	Office    string
	Date      Date
	Start     string
}

// Covers reports whether the slot closes a place of office on d at start.
func (s ClosedSlot) Covers(office string, d Date, start string) bool {
	return s.Office == office && s.Date == d && (s.Start == "" || s.Start == start)
}

// ClosureProgress is how a closure's SMS are doing in the outbox.
type ClosureProgress struct {
	Sent, Pending, Failed int
	Cancelled, Moved      int
	// Waitlist counts the notices to waitlist citizens (an entry ended,
	// an offer withdrawn).
	Waitlist int
}

// CalendarDay is one database calendar entry: a holiday or a make-up
// working day.
type CalendarDay struct {
	Date Date
	Kind string // "holiday" or "workday"
	Name string
}

// Calendar day kinds.
const (
	DayHoliday = "holiday"
	DayWorkday = "workday"
)

// CapacityChange sets a period's capacity for a date range; Business ""
// means every business of the office. The latest change covering a place
// wins over the catalog's capacity.
type CapacityChange struct {
	ID        int64
	Office    string
	Business  string
	Start     string
	From, To  Date
	Capacity  int
	CreatedBy string
	CreatedAt time.Time
}

// Covers reports whether the change applies to p.
func (c CapacityChange) Covers(p Place) bool {
	return c.Office == p.Office && (c.Business == "" || c.Business == p.Business) && c.Start == p.Start &&
		!p.Date.Before(c.From) && !c.To.Before(p.Date)
}

// ClosureTx is what closures, the calendar and capacity changes do inside
// one transaction.
type ClosureTx interface {
	InsertClosure(c *Closure) error // the closure and its closed slots
	Closure(id int64) (Closure, error)
	Closures(limit int) ([]Closure, error) // newest first
	ReopenClosure(id int64, by string, at time.Time) error
	ClosedSlots(from, to Date) ([]ClosedSlot, error) // of active closures
	// EnqueueClosureNotice queues m and records it as the closure's notice
	// for m.BookingID with outcome.
	EnqueueClosureNotice(closureID int64, outcome string, m Message) error
	// EnqueueClosureWaitNotice queues m and records it as the closure's
	// notice for waitlist entry entryID.
	EnqueueClosureWaitNotice(closureID, entryID int64, m Message) error
	ClosureProgress(id int64) (ClosureProgress, error)
	// MoveBooking points b at place p (date, period, place id).
	MoveBooking(bookingID int64, p Place) error

	CalendarDays() ([]CalendarDay, error)
	CalendarYears() ([]int, error)
	// SetCalendarYear replaces year's days and records where they came from.
	SetCalendarYear(year int, days []CalendarDay, source string, at time.Time) error
	SetCalendarDay(d CalendarDay) error
	// CatalogVersion is bumped (BumpCatalogVersion, in the same
	// transaction) by every change of the calendar, capacities or
	// closures: what each node keeps of them in memory is keyed by it.
	CatalogVersion() (int64, error)
	BumpCatalogVersion() error

	CapacityChanges() ([]CapacityChange, error)
	// SaveCapacityChange inserts c, or replaces the capacity of the change
	// with the same office, business, period and range; seedOnly keeps an
	// existing one.
	SaveCapacityChange(c CapacityChange, seedOnly bool) error
	SetPlaceCapacity(placeID int64, capacity int) error
}
