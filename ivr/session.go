package ivr

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
)

// Step is one state of a call. Its string is what the call record stores,
// Twilio's gather URL carries and the console reads, so the values never
// change (no migration): a new step is a new constant and a new row in steps.
type Step string

// Step names: the vocabulary logs, the console, tests and tools share.
const (
	StepMenu          Step = "menu"
	StepIDNumber      Step = "id_number"
	StepName          Step = "name"
	StepNameConfirm   Step = "name_confirm"
	StepNameReply     Step = "name_reply" // SIP: waiting for the SMS reply with the name
	StepPhoneChoice   Step = "phone_choice"
	StepPhoneNumber   Step = "phone_number"
	StepMode          Step = "mode"
	StepBusiness      Step = "business"
	StepNotice        Step = "notice"
	StepDistrict      Step = "district"
	StepOffice        Step = "office"
	StepDate          Step = "date"
	StepPeriod        Step = "period"
	StepCode          Step = "code"
	StepConfirm       Step = "confirm"
	StepPickBooking   Step = "pick_booking"
	StepCancelConfirm Step = "cancel_confirm"
	// 改约 and 候补 (ivr/reschedule.go)
	StepQueryAction       Step = "query_action"
	StepRescheduleWhere   Step = "reschedule_where"
	StepRescheduleConfirm Step = "reschedule_confirm"
	StepWaitlistJoin      Step = "waitlist_join"
	StepWaitlistLeave     Step = "waitlist_leave"
	StepDone              Step = "done"
	StepOperator          Step = "operator" // transferred; nothing more to gather
	StepGoodbye           Step = "goodbye"  // hung up by us
)

// Flows a call can be in.
const (
	FlowBook   = "book"
	FlowQuery  = "query"
	FlowCancel = "cancel"
)

// Option is one entry of a spoken list: what is said and what it selects.
type Option struct {
	Label string `json:"l"`
	Value string `json:"v"`
}

// Session is the IVR state of one call, stored per CallSid as JSON sealed
// whole (encode); the ID number typed during registration is sealed again
// inside it, so it stays sealed while the call's steps pass it along.
//
// Until a code sent to Phone comes back (Verified), the caller is only a
// Candidate: CitizenID is set, a registration written and anything about
// the citizen said only after the code passes.
type Session struct {
	Lang      string   `json:"lang"`
	Flow      string   `json:"flow,omitempty"`
	Fails     int      `json:"fails,omitempty"`
	CitizenID int64    `json:"citizen,omitempty"`   // verified this call
	Candidate int64    `json:"candidate,omitempty"` // found by ID or calling number, not yet verified
	Phone     string   `json:"phone,omitempty"`     // where the code goes (E.164)
	Verified  bool     `json:"verified,omitempty"`  // Phone passed a code this call
	Keyed     []string `json:"keyed,omitempty"`     // other numbers keyed this call
	SealedID  []byte   `json:"sealed_id,omitempty"`
	IDMasked  string   `json:"id_masked,omitempty"`
	Name      string   `json:"name,omitempty"`
	NameMiss  int      `json:"name_miss,omitempty"`
	Mode      string   `json:"mode,omitempty"` // business or office
	Business  string   `json:"business,omitempty"`
	District  string   `json:"district,omitempty"`
	Office    string   `json:"office,omitempty"`
	Date      string   `json:"date,omitempty"`
	Start     string   `json:"start,omitempty"` // the held period
	End       string   `json:"end,omitempty"`
	HoldID    int64    `json:"hold,omitempty"`
	Options   []Option `json:"options,omitempty"`
	Page      int      `json:"page,omitempty"`
	Starred   bool     `json:"starred,omitempty"` // * pressed once at this list: again goes to the menu
	Picked    int64    `json:"picked,omitempty"`
	Target    int64    `json:"target,omitempty"` // the place a reschedule moves to
	Reference string   `json:"ref,omitempty"`
	Elder     bool     `json:"elder,omitempty"` // voice.elder_age or older: slower prompts (set once verified)
}

// clone is a copy of s sharing nothing with it.
func (s *Session) clone() *Session {
	c := *s
	c.Keyed, c.Options = slices.Clone(s.Keyed), slices.Clone(s.Options)
	c.SealedID = slices.Clone(s.SealedID)
	return &c
}

// sealedSession marks a stored session sealed whole; a session stored in
// clear JSON (by a version before sealing, during an upgrade) starts '{'.
const sealedSession = 0x01

// encode seals the whole session for the call sid: the name and numbers a
// caller keys before the code passes are citizens' data like the ID number.
// The call's sid is the associated data, so one call's state cannot be
// replayed into another call's row.
func (s *Session) encode(sl *sealer, sid string) ([]byte, error) {
	b, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	return append([]byte{sealedSession}, sl.sealBytes(b, sessionDataAAD(sid))...), nil
}

func decodeSession(sl *sealer, sid string, b []byte) (*Session, error) {
	if len(b) > 0 && b[0] == sealedSession {
		plain, err := sl.openBytes(b[1:], sessionDataAAD(sid))
		if err != nil {
			return nil, fmt.Errorf("open sealed session: %w", err)
		}
		b = plain
	}
	s := &Session{}
	if err := json.Unmarshal(b, s); err != nil {
		return nil, err
	}
	if s.Lang == "" {
		s.Lang = LangZH
	}
	return s, nil
}

// sealer encrypts the ID number held between registration steps.
type sealer struct{ aead cipher.AEAD }

func newSealer(key []byte) (*sealer, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	return &sealer{aead: aead}, err
}

var sessionAAD = []byte("call_sessions.sealed_id")

func sessionDataAAD(sid string) []byte { return []byte("call_sessions.data " + sid) }

func (s *sealer) seal(plain string) []byte { return s.sealBytes([]byte(plain), sessionAAD) }

func (s *sealer) open(box []byte) (string, error) {
	p, err := s.openBytes(box, sessionAAD)
	return string(p), err
}

func (s *sealer) sealBytes(plain, aad []byte) []byte {
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		panic(err)
	}
	return s.aead.Seal(nonce, nonce, plain, aad)
}

func (s *sealer) openBytes(box, aad []byte) ([]byte, error) {
	n := s.aead.NonceSize()
	if len(box) < n {
		return nil, errors.New("sealed box too short")
	}
	return s.aead.Open(nil, box[:n], box[n:], aad)
}
