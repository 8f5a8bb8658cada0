package ivr

import "yuyue/booking"

func digitsGather(n int, finish string) *gatherSpec {
	return &gatherSpec{numDigits: n, finishOnKey: finish}
}

// prompt is what each step says and how it listens.
func (c *call) prompt() view {
	l := c.s.Lang
	key := func(k string, args ...any) []string { return []string{say(l, k, args...)} }
	switch c.step() {
	case StepMenu:
		return view{lines: key("menu"), gather: digitsGather(1, "")}
	case StepIDNumber:
		return view{lines: key("id_number"), gather: digitsGather(18, "#")}
	case StepName:
		k := "name"
		if c.s.NameMiss > 0 {
			k = "name_again"
		}
		return view{lines: key(k), gather: &gatherSpec{speech: true, numDigits: 1}}
	case StepNameConfirm:
		return view{lines: key("name_confirm", c.s.Name), gather: digitsGather(1, "")}
	case StepPhoneChoice:
		return view{lines: key("phone_choice", booking.MaskPhone(booking.CallerNumber(c.rec.From))), gather: digitsGather(1, "")}
	case StepPhoneNumber:
		return view{lines: key("phone_number"), gather: digitsGather(11, "#")}
	case StepMode:
		return view{lines: key("mode"), gather: digitsGather(1, "")}
	case StepNotice:
		b, _ := c.svc.Catalog.Business(c.s.Business)
		return view{lines: key("notice", c.bizName(b), b.Notice), gather: digitsGather(1, "")}
	case StepCode:
		lines := key("code")
		if c.mayChangePhone() {
			lines = append(lines, say(l, "code_change"))
		}
		return view{lines: lines, gather: digitsGather(6, "#")}
	case StepConfirm:
		lines := append(key("hold_ttl", minutes(c.svc.Rules.HoldTTL)), say(l, "confirm", c.confirmArgs()...))
		return view{lines: lines, gather: digitsGather(1, "")}
	case StepCancelConfirm:
		b, _ := c.svc.Booking(c.ctx, c.s.Picked)
		return view{lines: key("cancel_confirm", c.describe(b)), gather: digitsGather(1, "")}
	case StepDone:
		ref := digitsText(l, c.s.Reference)
		return view{lines: key("done", ref, ref), end: "hangup"}
	case StepOperator: // said here, not as a note, so a replay says it too
		return view{lines: key("transfer"), end: "operator"}
	case StepGoodbye:
		return view{lines: key("goodbye"), end: "hangup"}
	}
	return c.listPrompt()
}

var listHeaders = map[Step]string{
	StepBusiness: "pick_business", StepDistrict: "pick_district", StepOffice: "pick_office",
	StepDate: "pick_date", StepPeriod: "pick_period",
}

// listPrompt reads one page of options: 1–8, 9 for more, then the tail.
func (c *call) listPrompt() view {
	l := c.s.Lang
	var lines []string
	if h, ok := listHeaders[c.step()]; ok {
		lines = append(lines, say(l, h))
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
