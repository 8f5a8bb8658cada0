package booking

import "time"

// UpMessage is a citizen's reply pushed by a provider (Aliyun 上行短信),
// identified by the provider's sequence id so a re-push is one message.
type UpMessage struct {
	SequenceID string
	Phone      string
	Content    string
	DestCode   string
	SendTime   string
	ReceivedAt time.Time
}

// OutboxRow is one outbox message as the console shows it: never its
// parameters (a code may be among them until sent).
type OutboxRow struct {
	ID             int64
	To             string
	Kind           string
	Status         string
	Attempts       int
	ProviderID     string // Twilio MessageSid or Aliyun BizId
	DeliveryStatus string
	ErrorCode      string
	LastError      string
	CreatedAt      time.Time
	SentAt         time.Time
}

// ProviderTx is what the provider-neutral push handlers do inside one
// transaction, beside SMSTx.
type ProviderTx interface {
	// RecordUp keeps an up-message; fresh is false when its sequence id was
	// recorded before.
	RecordUp(m UpMessage) (fresh bool, err error)
	// ClaimUp marks a recorded, unhandled up-message as being handled,
	// unless another handler claimed it after staleBefore.
	ClaimUp(sequenceID string, now, staleBefore time.Time) (UpMessage, bool, error)
	// FinishUp marks an up-message handled: its reply is queued.
	FinishUp(sequenceID string, now time.Time) error
	// SetDeliveryReport records a delivery status for the outbox row holding
	// provider id sid, or else the row outboxID (0: none); a report for a
	// row not found is kept and applied when a send records sid.
	SetDeliveryReport(sid string, outboxID int64, status, errorCode string) (changed bool, err error)
	// OutboxRows lists the latest outbox messages, to one number when to is
	// set.
	OutboxRows(to string, limit int) ([]OutboxRow, error)
}
