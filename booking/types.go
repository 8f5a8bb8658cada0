package booking

import "time"

// Channel names who acted through which door; it is stored in the audit log.
const (
	ChannelIVR      = "ivr"
	ChannelSIP      = "sip" // the IVR over the 114 centre's SIP trunk, not Twilio
	ChannelSMS      = "sms"
	ChannelOperator = "operator"
	ChannelJob      = "job"
	ChannelSystem   = "system"
)

// Actor is who asked for a change: a caller's phone (masked), an operator's
// login name, a job name.
type Actor struct {
	Name    string
	Channel string
}

// Citizen is a real-name registration. IDNumber is plaintext in memory only;
// the store keeps it encrypted and finds it through a keyed hash.
type Citizen struct {
	ID           int64
	Name         string
	IDNumber     string
	IDMasked     string
	Phone        string // E.164
	Active       bool
	BannedUntil  time.Time // zero when not banned
	StrikesSince time.Time // no-shows before this do not count (set when a ban is lifted)
	NoReminders  bool      // opted out of reminders by SMS
	CreatedAt    time.Time
}

// Banned reports whether the citizen may not book at now.
func (c Citizen) Banned(now time.Time) bool { return now.Before(c.BannedUntil) }

// Place is the capacity (号源) of one office, business, date and period.
type Place struct {
	ID       int64
	Office   string
	Business string
	Date     Date
	Start    string // HH:MM
	End      string // HH:MM
	Capacity int
	Taken    int
}

// Free is the number of places still bookable.
func (p Place) Free() int { return max(p.Capacity-p.Taken, 0) }

// Status is where a booking is in its life.
type Status string

// Booking statuses. Held, booked and checked-in are active: they take a place
// and block a second booking for the same business.
const (
	StatusHeld      Status = "held"
	StatusBooked    Status = "booked"
	StatusCheckedIn Status = "checked_in"
	StatusCompleted Status = "completed"
	StatusCancelled Status = "cancelled"
	StatusExpired   Status = "expired"
	StatusNoShow    Status = "noshow"
)

// Booking is a hold or a booking of one place by one citizen.
type Booking struct {
	ID            int64
	Reference     string // empty while held
	CitizenID     int64
	PlaceID       int64
	Business      string
	Office        string
	Date          Date
	Start, End    string
	Status        Status
	HoldExpiresAt time.Time
	CreatedAt     time.Time
	ConfirmedAt   time.Time
	CancelledAt   time.Time
	CheckedInAt   time.Time
	NoShowAt      time.Time
	CompletedAt   time.Time
	QueueNo       int
	Returned      bool // the place went back to the pool
	Attending     bool // the citizen confirmed attendance by SMS
	RemindedAt    time.Time
	Channel       string
}

// Active reports whether the booking still holds its place for the citizen.
func (b Booking) Active() bool {
	return b.Status == StatusHeld || b.Status == StatusBooked || b.Status == StatusCheckedIn
}

// Message is an outbound SMS waiting in the outbox. Kind selects the template
// the SMS channel renders; Params fill it. Params never carry an ID number.
type Message struct {
	ID        int64
	To        string
	Kind      string
	Params    map[string]string
	CitizenID int64
	BookingID int64
}

// Message kinds.
const (
	MsgCode         = "code"
	MsgConfirmation = "confirmation"
	MsgReminder     = "reminder"
	MsgCancellation = "cancellation"
	MsgNoShow       = "noshow"
	MsgBlacklist    = "blacklist"
	// MsgNameAsk asks the phone being verified on a SIP call to reply
	// with the caller's name (XM 张三): no recogniser heard it.
	MsgNameAsk = "name_ask"
	// MsgNameHeard tells the phone being verified the name as the
	// recogniser heard it, to correct by reply.
	MsgNameHeard = "name_heard"
)

// AuditEntry records one state change: who, through which channel, what.
// Detail never holds an ID number or a code.
type AuditEntry struct {
	ID        int64
	At        time.Time
	Actor     string
	Channel   string
	Action    string
	CitizenID int64
	BookingID int64
	Detail    string
}
