package booking

import "time"

// VerificationCode is a stored SMS code: only its keyed hash is kept.
type VerificationCode struct {
	ID        int64
	Phone     string
	Purpose   string
	Caller    string
	Hash      []byte
	CreatedAt time.Time
	ExpiresAt time.Time
	Attempts  int
	UsedAt    time.Time
	// Unverified: the number had never passed a code when this one was
	// sent; such codes share a global hourly budget.
	Unverified bool
}

// OutboxItem is a claimed outbox row for the SMS worker.
type OutboxItem struct {
	Message
	Attempts int
	// CreatedAt is when the message was enqueued (a code: when the caller
	// asked for it), for the time-to-provider histogram.
	CreatedAt time.Time
}

// SendOutcome is what became of one send attempt.
type SendOutcome string

// Send outcomes.
const (
	SendSent    SendOutcome = "sent"    // Twilio accepted it (MessageSid known)
	SendRetry   SendOutcome = "retry"   // surely not accepted: try again later
	SendFailed  SendOutcome = "failed"  // refused for good
	SendUnknown SendOutcome = "unknown" // may or may not have gone: never re-sent blindly
)

// SendResult records a send attempt on an outbox row.
type SendResult struct {
	ID        int64
	Outcome   SendOutcome
	SID       string
	Error     string
	NextTryAt time.Time
	At        time.Time
	Provider  string // who was asked to send it: twilio, aliyun, dev
}

// DevMessage is a message the development sender kept instead of sending.
type DevMessage struct {
	ID   int64
	To   string
	Kind string
	Body string
	// Template and TemplateParams are the template rendering (template code
	// or kind, and the parameters as JSON) a template provider would get.
	Template       string
	TemplateParams string
	CreatedAt      time.Time
}

// OutboxStats counts outbox rows by status, for metrics and the console.
type OutboxStats map[string]int

// CodeQuota is what Codes checks a code request against (SMSTx.CodeQuota).
type CodeQuota struct {
	Last      time.Time // the number's last code; zero for none
	Block     string    // the provider's block on the number: "", "hour" or "day"
	Hour, Day int       // the number's codes in the windows, anonymous requests' not counted
	CallerDay int       // the caller's codes in the day window
	Known     bool      // PhoneKnown
	// Unverified is CountUnverifiedCodes over the hour window, read only
	// when asked for and the number is not Known (else 0).
	Unverified int
}

// SMSTx is what the SMS channel does inside one transaction.
type SMSTx interface {
	InsertCode(c *VerificationCode) error
	LatestCode(phone, purpose string) (VerificationCode, error)
	UpdateCode(c VerificationCode) error
	CountCodes(phone, caller string, since time.Time) (byPhone, byCaller int, err error)
	LastCodeAt(phone string) (time.Time, error)
	// CountUnverifiedCodes counts codes created after since whose number
	// had never passed a code (VerificationCode.Unverified).
	CountUnverifiedCodes(since time.Time) (int, error)
	// PhoneKnown reports whether phone passed a code before (within
	// retention) or is an active citizen's phone.
	PhoneKnown(phone string) (bool, error)
	// CodeQuota reads in one statement what a code for phone asked by a
	// known caller is checked against (LastCodeAt, PhoneBlock at now, the
	// number's own codes since hour and since day, the caller's since
	// day, PhoneKnown) and, when unverified is set and the number is not
	// known, CountUnverifiedCodes since hour.
	CodeQuota(phone, caller string, now, hour, day time.Time, unverified bool) (CodeQuota, error)

	ClaimMessages(now time.Time, limit int) ([]OutboxItem, error)
	FinishMessage(r SendResult) error
	RecoverSending() (int, error)
	SetDeliveryStatus(sid, status, errorCode string) (changed bool, err error)
	OutboxStats() (OutboxStats, error)

	ClaimInbound(sid, from string, now time.Time) (reply string, fresh bool, err error)
	SetInboundReply(sid, reply string) error

	AddDevMessage(m DevMessage) error
	DevMessages(to string, limit int) ([]DevMessage, error)
}
