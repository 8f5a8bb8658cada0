package ivr

import "slices"

// stepDef is everything one step is. The steps table is the only place a
// step is defined: before it, a step lived in five string-keyed places (its
// input handler, the prompt switch, the list headers, the fill switch, the
// list choices) and a missing entry did nothing, silently. checkSteps (run
// by TestStepsComplete) holds every row to having every part.
type stepDef struct {
	input  func(*call, input) error // applies an answer; nil only when final
	prompt func(*call) view         // what the step says and how it listens
	final  bool                     // ends the call or hands it over: takes no input
	list   *listDef                 // a spoken list of options; nil for other steps
}

// listDef is what a list step adds: its options and what choosing one does.
type listDef struct {
	header string                    // prompt key read before the options, or noHeader
	fill   func(*call) error         // computes the options when the call enters the step
	choose func(*call, string) error // applies the chosen option's value
}

// noHeader marks a list read without a header: its question comes after
// the options (pick_booking: what picking does in this flow).
const noHeader = "-"

// listStep is a step that reads options in pages and takes 1–9, * and 0.
func listStep(header string, fill func(*call) error, choose func(*call, string) error) stepDef {
	return stepDef{input: (*call).onList, prompt: (*call).listPrompt, list: &listDef{header: header, fill: fill, choose: choose}}
}

// steps is the IVR: every step, in the order a booking call meets them.
// It is filled in init because the handlers it holds reach it again
// (goTo → fill → steps), which a package-level initializer may not.
var steps map[Step]stepDef

func init() { steps = stepTable() }

func stepTable() map[Step]stepDef {
	return map[Step]stepDef{
		StepMenu:              {input: (*call).onMenu, prompt: asks("menu", 1, "")},
		StepIDNumber:          {input: (*call).onIDNumber, prompt: asks("id_number", 18, "#")},
		StepName:              {input: (*call).onName, prompt: (*call).promptName},
		StepNameConfirm:       {input: (*call).onNameConfirm, prompt: (*call).promptNameConfirm},
		StepNameReply:         {input: (*call).onNameReply, prompt: asks("name_reply", 1, "")},
		StepPhoneChoice:       {input: (*call).onPhoneChoice, prompt: (*call).promptPhoneChoice},
		StepPhoneNumber:       {input: (*call).onPhoneNumber, prompt: asks("phone_number", 11, "#")},
		StepMode:              {input: (*call).onMode, prompt: asks("mode", 1, "")},
		StepBusiness:          listStep("pick_business", (*call).fillBusinesses, (*call).chooseBusiness),
		StepNotice:            {input: (*call).onNotice, prompt: (*call).promptNotice},
		StepDistrict:          listStep("pick_district", (*call).fillDistricts, (*call).chooseDistrict),
		StepOffice:            listStep("pick_office", (*call).fillOffices, (*call).chooseOffice),
		StepDate:              listStep("pick_date", (*call).fillDates, (*call).chooseDate),
		StepPeriod:            listStep("pick_period", (*call).fillPeriods, (*call).choosePeriod),
		StepCode:              {input: (*call).onCode, prompt: (*call).promptCode},
		StepConfirm:           {input: (*call).onConfirm, prompt: (*call).promptConfirm},
		StepPickBooking:       listStep(noHeader, (*call).fillBookings, (*call).chooseBooking),
		StepCancelConfirm:     {input: (*call).onCancelConfirm, prompt: (*call).promptCancelConfirm},
		StepQueryAction:       {input: (*call).onQueryAction, prompt: asks("query_action", 1, "")},
		StepRescheduleWhere:   {input: (*call).onRescheduleWhere, prompt: asks("reschedule_where", 1, "")},
		StepRescheduleConfirm: {input: (*call).onRescheduleConfirm, prompt: (*call).promptRescheduleConfirm},
		StepWaitlistJoin:      {input: (*call).onWaitlistJoin, prompt: (*call).promptWaitlistJoin},
		StepWaitlistLeave:     {input: (*call).onWaitlistLeave, prompt: (*call).promptWaitlistLeave},
		StepDone:              {final: true, prompt: (*call).promptDone},
		StepOperator:          {final: true, prompt: ends("transfer", "operator")}, // a prompt, not a note, so a replay says it too
		StepGoodbye:           {final: true, prompt: ends("goodbye", "hangup")},
	}
}

// asks is the prompt of a step that says one sentence and takes n keys
// (or stops at finish).
func asks(key string, n int, finish string) func(*call) view {
	return func(c *call) view { return view{lines: []string{say(c.s.Lang, key)}, gather: digitsGather(n, finish)} }
}

// ends is the prompt of a final step: one sentence, then end.
func ends(key, end string) func(*call) view {
	return func(c *call) view { return view{lines: []string{say(c.s.Lang, key)}, end: end} }
}

// Steps lists every step the IVR has, for the console's step names and
// the tools that answer each step.
func Steps() []Step {
	out := make([]Step, 0, len(steps))
	for s := range steps {
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}
