package ivr

import "yuyue/booking"

func digitsGather(n int, finish string) *gatherSpec {
	return &gatherSpec{numDigits: n, finishOnKey: finish}
}

// prompt is what the current step says and how it listens. A step the
// table lacks (none today) reads as an empty list, as it always has.
func (c *call) prompt() view {
	if d, ok := steps[c.step()]; ok {
		return d.prompt(c)
	}
	return c.listPrompt()
}

func (c *call) promptName() view {
	k := "name"
	if c.s.NameMiss > 0 {
		k = "name_again"
	}
	return view{lines: []string{say(c.s.Lang, k)}, gather: &gatherSpec{speech: true, numDigits: 1}}
}

func (c *call) promptNameConfirm() view {
	return view{lines: []string{say(c.s.Lang, "name_confirm", c.s.Name)}, gather: digitsGather(1, "")}
}

func (c *call) promptPhoneChoice() view {
	own := booking.MaskPhone(booking.CallerNumber(c.rec.From))
	return view{lines: []string{say(c.s.Lang, "phone_choice", own)}, gather: digitsGather(1, "")}
}

func (c *call) promptNotice() view {
	b, _ := c.svc.Catalog.Business(c.s.Business)
	return view{lines: []string{say(c.s.Lang, "notice", c.bizName(b), b.Notice)}, gather: digitsGather(1, "")}
}

func (c *call) promptCode() view {
	lines := []string{say(c.s.Lang, "code")}
	if c.mayChangePhone() {
		lines = append(lines, say(c.s.Lang, "code_change"))
	}
	return view{lines: lines, gather: digitsGather(6, "#")}
}

func (c *call) promptConfirm() view {
	l := c.s.Lang
	lines := []string{say(l, "hold_ttl", minutes(c.svc.Rules.HoldTTL)), say(l, "confirm", c.confirmArgs()...)}
	return view{lines: lines, gather: digitsGather(1, "")}
}

func (c *call) promptCancelConfirm() view {
	b, _ := c.svc.Booking(c.ctx, c.s.Picked)
	return view{lines: []string{say(c.s.Lang, "cancel_confirm", c.describe(b))}, gather: digitsGather(1, "")}
}

func (c *call) promptDone() view {
	ref := digitsText(c.s.Lang, c.s.Reference)
	return view{lines: []string{say(c.s.Lang, "done", ref, ref)}, end: "hangup"}
}

// listPrompt reads one page of options: 1–8, 9 for more, then the tail.
func (c *call) listPrompt() view {
	l := c.s.Lang
	var lines []string
	if d, ok := steps[c.step()]; ok && d.list != nil && d.list.header != noHeader {
		lines = append(lines, say(l, d.list.header))
	}
	start := c.s.Page * pageSize
	end := min(start+pageSize, len(c.s.Options))
	for i := start; i < end; i++ {
		if c.step() == StepPickBooking {
			lines = append(lines, say(l, "booking_item", i+1-start, c.s.Options[i].Label))
			continue
		}
		lines = append(lines, say(l, "item", c.s.Options[i].Label, i+1-start))
	}
	if end < len(c.s.Options) {
		lines = append(lines, say(l, "more"))
	}
	if c.step() == StepPickBooking {
		k := "pick_query"
		if c.s.Flow == FlowCancel {
			k = "pick_cancel"
		}
		lines = append(lines, say(l, k))
	}
	lines = append(lines, say(l, "list_tail"))
	return view{lines: lines, gather: digitsGather(1, "")}
}

func (c *call) confirmArgs() []any {
	cat := c.svc.Catalog
	b, _ := cat.Business(c.s.Business)
	o, _ := cat.Office(c.s.Office)
	d, _ := booking.ParseDate(c.s.Date)
	return []any{c.bizName(b), o.Name, o.Address, dateText(c.s.Lang, d), periodText(c.s.Lang, c.s.Start, c.s.End)}
}
