package ivr

import (
	"slices"
	"strings"
	"unicode"

	"yuyue/booking"
)

// maxKeyedNumbers is how many other mobile numbers one call may key; each
// one more counts as a failure of the step (SMS pumping, probing numbers).
const maxKeyedNumbers = 2

// identify starts a flow for a caller not yet verified this call. A calling
// mobile registered to a citizen gets the code at once; anyone else keys an
// ID number. Nothing is said about the citizen either way.
func (c *call) identify() error {
	if phone, err := booking.NormalizeMobile(booking.CallerNumber(c.rec.From)); err == nil {
		cz, err := c.svc.CitizenByPhone(c.ctx, phone)
		switch booking.ErrorCode(err) {
		case "":
			c.s.Candidate, c.s.SealedID = cz.ID, nil
			return c.sendCodeTo(cz.Phone)
		case booking.ENotFound:
		default:
			return wrapf(err, "find citizen by phone")
		}
	}
	return c.goTo(StepIDNumber)
}

// onIDNumber takes 18 keys, * standing for X. A registered ID's code goes
// to the phone registered with it; for any other ID the caller chooses the
// phone, and the ID waits sealed in the session.
func (c *call) onIDNumber(in input) error {
	if in.digits == "" {
		return c.fail("no_input")
	}
	id, err := booking.NormalizeIDNumber(strings.ReplaceAll(in.digits, "*", "X"), c.svc.Now())
	if err != nil {
		return c.fail("id_invalid")
	}
	cz, err := c.svc.CitizenByIDNumber(c.ctx, id)
	switch booking.ErrorCode(err) {
	case "":
		c.s.Candidate, c.s.SealedID, c.s.IDMasked = cz.ID, nil, cz.IDMasked
		return c.sendCodeTo(cz.Phone)
	case booking.ENotFound:
	default:
		return wrapf(err, "find citizen")
	}
	c.s.Candidate = 0
	c.s.SealedID, c.s.IDMasked = c.v.sealer.seal(id), booking.MaskIDNumber(id)
	if c.s.Flow != FlowBook {
		return c.goTo(StepPhoneChoice) // "not registered" is said after the code
	}
	if !c.hearsNames() { // SIP without a recogniser: the name comes by SMS
		c.note("name_by_sms")
		return c.goTo(StepPhoneChoice)
	}
	return c.goTo(StepName)
}

// onName takes the name by speech; 0 reaches the operator.
func (c *call) onName(in input) error {
	if in.digits == "0" {
		return c.transfer()
	}
	name := cleanName(in.speech)
	if name == "" {
		c.s.NameMiss++
		return c.fail("")
	}
	c.s.Name = name
	return c.goTo(StepNameConfirm)
}

// cleanName drops what recognisers add around a name: punctuation, spaces
// between Chinese characters.
func cleanName(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsPunct(r) || unicode.IsSymbol(r) {
			continue
		}
		if unicode.IsSpace(r) && (b.Len() == 0 || r > unicode.MaxASCII) {
			continue
		}
		b.WriteRune(r)
	}
	name := strings.TrimSpace(b.String())
	if len([]rune(name)) > 30 {
		return ""
	}
	if !strings.ContainsFunc(name, func(r rune) bool { return r > unicode.MaxASCII }) {
		return name
	}
	return strings.ReplaceAll(name, " ", "")
}

func (c *call) onNameConfirm(in input) error {
	return c.yesNo(in, func() error { return c.goTo(StepPhoneChoice) }, func() error { return c.goTo(StepName) })
}

func (c *call) onPhoneChoice(in input) error {
	return c.yesNo(in, func() error {
		phone, err := booking.NormalizeMobile(booking.CallerNumber(c.rec.From))
		if err != nil {
			c.note("not_mobile")
			return c.goTo(StepPhoneNumber)
		}
		return c.sendCodeTo(phone)
	}, func() error { return c.goTo(StepPhoneNumber) })
}

// onPhoneNumber takes another mobile number. Beyond maxKeyedNumbers
// different numbers in one call, each new one is a failure of the step.
func (c *call) onPhoneNumber(in input) error {
	if in.digits == "" {
		return c.fail("no_input")
	}
	phone, err := booking.NormalizeMobile(in.digits)
	if err != nil {
		return c.fail("phone_invalid")
	}
	if !slices.Contains(c.s.Keyed, phone) {
		if len(c.s.Keyed) >= maxKeyedNumbers {
			return c.fail("too_many_numbers")
		}
		c.s.Keyed = append(c.s.Keyed, phone)
	}
	return c.sendCodeTo(phone)
}

// register creates the real-name registration from the sealed ID, the
// confirmed name and the phone that has just passed its code, in the
// transaction that accepted the code. Only now is the one-phone-one-ID rule
// checked: the caller holds the phone, so telling them reveals nothing.
func (c *call) register() error {
	if c.overSIP() {
		if err := c.writtenName(); err != nil {
			return err
		}
		if c.s.Name == "" { // no reply yet: wait for it, or the operator
			return c.goTo(StepNameReply)
		}
	}
	id, err := c.v.sealer.open(c.s.SealedID)
	if err != nil {
		return wrapf(err, "open sealed id")
	}
	cz, err := c.svc.Register(c.ctx, c.actor, booking.Registration{Name: c.s.Name, IDNumber: id, Phone: c.s.Phone})
	switch booking.ErrorCode(err) {
	case "":
	case booking.EPhoneLinked:
		c.note("phone_linked")
		c.s.Phone, c.s.Verified = "", false
		return c.goTo(StepPhoneChoice)
	case booking.EConflict:
		c.note("id_conflict")
		return c.transfer()
	default:
		return wrapf(err, "register")
	}
	c.s.CitizenID, c.s.SealedID = cz.ID, nil
	c.markElder(id)
	// Register's citizen is the row as this transaction wrote or found
	// it: reading it again by id would, on PostgreSQL, lock the end of
	// citizens' primary key, where every other node's registration
	// inserts, so two registrations at once would fail each other.
	return c.startBookingFor(cz)
}
