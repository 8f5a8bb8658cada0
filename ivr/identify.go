package ivr

import (
	"strings"
	"unicode"

	"yuyue/booking"
)

// onIDNumber takes 18 keys, * standing for X.
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
		c.s.CitizenID = cz.ID
		if c.s.Flow == FlowBook {
			return c.startBooking()
		}
		return c.startManage()
	case booking.ENotFound:
	default:
		return wrapf(err, "find citizen")
	}
	if c.s.Flow != FlowBook {
		c.note("not_registered")
		return c.goTo(StepMenu)
	}
	c.s.SealedID, c.s.IDMasked = c.v.sealer.seal(id), booking.MaskIDNumber(id)
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
		phone, err := booking.NormalizeMobile(c.rec.From)
		if err != nil {
			c.note("not_mobile")
			return c.goTo(StepPhoneNumber)
		}
		return c.register(phone)
	}, func() error { return c.goTo(StepPhoneNumber) })
}

func (c *call) onPhoneNumber(in input) error {
	if in.digits == "" {
		return c.fail("no_input")
	}
	phone, err := booking.NormalizeMobile(in.digits)
	if err != nil {
		return c.fail("phone_invalid")
	}
	return c.register(phone)
}

// register creates the real-name registration from the sealed ID, the
// confirmed name and the chosen phone.
func (c *call) register(phone string) error {
	id, err := c.v.sealer.open(c.s.SealedID)
	if err != nil {
		return wrapf(err, "open sealed id")
	}
	cz, err := c.svc.Register(c.ctx, c.actor, booking.Registration{Name: c.s.Name, IDNumber: id, Phone: phone})
	switch booking.ErrorCode(err) {
	case "":
	case booking.EPhoneLinked:
		c.note("phone_linked")
		return c.goTo(StepPhoneChoice)
	case booking.EConflict:
		c.note("id_conflict")
		return c.transfer()
	default:
		return wrapf(err, "register")
	}
	c.s.CitizenID, c.s.SealedID = cz.ID, nil
	return c.startBooking()
}
