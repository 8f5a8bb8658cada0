package ivr

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/json"
	"errors"
)

// Step names: the vocabulary logs, the console, tests and tools share.
const (
	StepMenu          = "menu"
	StepIDNumber      = "id_number"
	StepName          = "name"
	StepNameConfirm   = "name_confirm"
	StepPhoneChoice   = "phone_choice"
	StepPhoneNumber   = "phone_number"
	StepMode          = "mode"
	StepBusiness      = "business"
	StepNotice        = "notice"
	StepDistrict      = "district"
	StepOffice        = "office"
	StepDate          = "date"
	StepPeriod        = "period"
	StepCode          = "code"
	StepConfirm       = "confirm"
	StepPickBooking   = "pick_booking"
	StepCancelConfirm = "cancel_confirm"
	StepDone          = "done"
	StepOperator      = "operator" // transferred; nothing more to gather
	StepGoodbye       = "goodbye"  // hung up by us
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

// Session is the IVR state of one call, stored as JSON per CallSid. The ID
// number typed during registration is kept sealed, never in clear.
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
	Reference string   `json:"ref,omitempty"`
}

func (s *Session) encode() ([]byte, error) { return json.Marshal(s) }

func decodeSession(b []byte) (*Session, error) {
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

func (s *sealer) seal(plain string) []byte {
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		panic(err)
	}
	return s.aead.Seal(nonce, nonce, []byte(plain), sessionAAD)
}

func (s *sealer) open(box []byte) (string, error) {
	n := s.aead.NonceSize()
	if len(box) < n {
		return "", errors.New("sealed id too short")
	}
	p, err := s.aead.Open(nil, box[:n], box[n:], sessionAAD)
	return string(p), err
}
