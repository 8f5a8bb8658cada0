package booking

import "time"

// CallRecord is a voice call's stored IVR state. Data is the IVR's own
// encoding; Context is a masked summary operators may read.
type CallRecord struct {
	SID           string
	From          string
	Step          string
	Seq           int
	Data          []byte
	Context       string
	CreatedAt     time.Time
	UpdatedAt     time.Time
	EndedAt       time.Time
	TransferredAt time.Time
}

// CallTx is what the voice channel does inside one transaction.
type CallTx interface {
	Call(sid string) (CallRecord, error)
	InsertCall(r CallRecord) error
	// UpdateCall saves r only if the stored seq is still prevSeq, else
	// EConflict: another request for the call got there first.
	UpdateCall(r CallRecord, prevSeq int) error
	Transfers(since time.Time) ([]CallRecord, error)
}

// StepSaver is a Tx that saves a call step's state and journey event
// together: UpdateCall (with its compare-and-set) and then AddCallEvent,
// in one statement where its engine can. Service.Step uses it when the Tx
// has it.
type StepSaver interface {
	SaveStep(r CallRecord, prevSeq int, e CallEvent) error
}
