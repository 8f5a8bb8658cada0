package ivr

import (
	"fmt"
	"strings"

	"yuyue/booking"
)

// maxFails is how many invalid or empty inputs one step takes before the
// caller is handed to an operator (or told goodbye).
const maxFails = 3

// apply runs the current step on the input. Final steps take none.
func (c *call) apply(in input) error {
	d, ok := steps[c.step()]
	if !ok || d.input == nil {
		return nil
	}
	return d.input(c, in)
}

// goTo enters step: resets the failure count and prepares its options.
func (c *call) goTo(step Step) error {
	c.rec.Step, c.s.Fails, c.s.Page, c.s.Starred = string(step), 0, 0, false
	c.s.Options = nil
	return c.fill(step)
}

// fail explains an invalid or missing input; the third failure of a step
// hands the caller over.
func (c *call) fail(key string) error {
	if key != "" {
		c.note(key)
	}
	c.s.Fails++
	if c.s.Fails >= maxFails {
		c.note("too_many")
		return c.transfer()
	}
	return nil
}

// failEmpty counts a gather that got nothing, or an invalid entry.
func (c *call) failInput(in input, invalidKey string) error {
	if in.digits == "" && in.speech == "" {
		return c.fail("no_input")
	}
	return c.fail(invalidKey)
}

// transfer hands the caller to the operator with the call's context, or
// says goodbye when none is configured.
func (c *call) transfer() error {
	c.rec.Context = c.context()
	if c.v.Voice.HasOperator() {
		// only a call really handed over is on the console's 转接来电 page
		c.rec.TransferredAt = c.svc.Now()
		return c.goTo(StepOperator)
	}
	c.note("no_operator")
	return c.goTo(StepGoodbye)
}

// context is the masked summary the operator console shows. Every call is
// marked verified=yes or verified=no: only a caller who passed a code this
// call is verified (the console opens no citizen page for the others: a
// lost phone, someone else's ID, a spoofed calling number).
func (c *call) context() string {
	verified := "no"
	if c.s.Verified && c.s.CitizenID != 0 {
		verified = "yes"
	}
	parts := []string{"step=" + string(c.step()), "flow=" + c.s.Flow, "verified=" + verified}
	if id := max(c.s.CitizenID, c.s.Candidate); id != 0 {
		if cz, err := c.svc.Citizen(c.ctx, id); err == nil {
			parts = append(parts, "name="+booking.MaskName(cz.Name), "id="+cz.IDMasked, "phone="+booking.MaskPhone(cz.Phone))
		}
	} else if c.s.IDMasked != "" {
		parts = append(parts, "name="+booking.MaskName(c.s.Name), "id="+c.s.IDMasked)
	}
	cat := c.svc.Catalog
	if b, ok := cat.Business(c.s.Business); ok {
		parts = append(parts, "business="+b.Name)
	}
	if o, ok := cat.Office(c.s.Office); ok {
		parts = append(parts, "office="+o.Name)
	}
	if c.s.Date != "" {
		parts = append(parts, "date="+c.s.Date)
	}
	return strings.Join(parts, "; ")
}

// onMenu: 1 book, 2 query, 3 cancel, 0 operator, 9 language, * repeat.
func (c *call) onMenu(in input) error {
	switch in.digits {
	case "1", "2", "3":
		c.s.Flow = map[string]string{"1": FlowBook, "2": FlowQuery, "3": FlowCancel}[in.digits]
		if c.s.CitizenID != 0 { // verified earlier in this call: again only if that lapsed
			return c.sendCodeTo(c.s.Phone)
		}
		return c.identify()
	case "0":
		return c.transfer()
	case "9":
		c.s.Lang = map[string]string{LangZH: LangEN, LangEN: LangZH}[c.s.Lang]
		return nil
	case "*":
		return nil
	}
	return c.failInput(in, "invalid")
}

// yesNo handles the steps that take 1 or 2 (and * to repeat, 0 operator).
func (c *call) yesNo(in input, yes, no func() error) error {
	switch in.digits {
	case "1":
		return yes()
	case "2":
		return no()
	case "0":
		return c.transfer()
	case "*":
		return nil
	}
	return c.failInput(in, "invalid")
}

// sayError tells the caller what a domain error from the service means;
// false for unexpected errors, which the handler turns into an apology.
func (c *call) sayError(err error) bool {
	switch booking.ErrorCode(err) {
	case booking.EBlacklisted:
		until := dateText(c.s.Lang, booking.DateOf(booking.ErrorUntil(err), c.svc.Catalog.Calendar.Loc))
		c.note("blacklisted", c.svc.Rules.BanStrikes, c.svc.Rules.BanMonths, until)
	case booking.EActive:
		biz, _ := c.svc.Catalog.Business(c.s.Business)
		c.note("active_exists", c.bizName(biz))
	case booking.EDeadline:
		c.note("deadline", clockText(c.s.Lang, fmt.Sprintf("%02d:00", c.svc.Rules.CancelHour)))
	default:
		return false
	}
	return true
}

func (c *call) bizName(b booking.Business) string {
	if c.s.Lang == LangEN && b.NameEn != "" {
		return b.NameEn
	}
	return b.Name
}

func wrapf(err error, what string) error { return fmt.Errorf("%s: %w", what, err) }
