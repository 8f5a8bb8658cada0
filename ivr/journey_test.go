package ivr_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"yuyue/booking"
	"yuyue/store/storetest"
)

// A call's journey has a row per step: keys as pressed in menus, masked at
// the ID number and code steps (no ID digit or code is stored anywhere in
// it), the SMS each step queued, the transfer's outcome and the hang-up.
func TestJourneyRecordsStepsMasked(t *testing.T) {
	h := newHarness(t, true)
	c := h.e.Citizen(t, 7)
	p := h.dial("+8675583001234") // a landline: identify by ID number
	p.press("1").expect("id_number").press(keys(c.IDNumber))
	code := p.code(c.Phone)
	p.expect("code").press(code)
	p.expect("mode").press("0") // to the operator
	p.send(p.dial, url.Values{"DialCallStatus": {"no-answer"}})
	p.expect("menu")
	p.hangup()

	ev, err := h.e.Svc.CallJourney(ctx, booking.Actor{Name: "sup", Channel: booking.ChannelOperator}, p.sid, "测试", 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range ev {
		got = append(got, e.Kind+":"+e.FromStep+">"+e.Step+"["+e.Keys+"]"+e.SMS+"|"+e.Detail)
	}
	want := []string{
		"start:>menu[]|",
		"input:menu>id_number[1]|",
		"input:id_number>code[" + strings.Repeat("•", 18) + "]code|",
		"input:code>mode[••••••]|",
		"input:mode>operator[0]|转人工",
		"transfer:operator>menu[]|无人接听",
		"end:menu>menu[]|",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("journey:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if ev[0].Caller != booking.MaskPhone("+8675583001234") || ev[0].Channel != booking.ChannelIVR {
		t.Errorf("start row: caller %q channel %q", ev[0].Caller, ev[0].Channel)
	}
	rows, err := h.e.Query(`SELECT keys || detail || caller FROM call_events`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		rows.Scan(&s)
		if strings.Contains(s, code) || strings.Contains(s, c.IDNumber[6:14]) || strings.Contains(s, storetest.ID(7)[:6]) {
			t.Fatalf("a stored journey row carries the code or ID digits: %q", s)
		}
	}
}

// The step that books shows the confirmation SMS it queued.
func TestJourneyShowsConfirmationSMS(t *testing.T) {
	h := newHarness(t, true)
	p, _ := bookNewCaller(t, h, 8)
	ev, err := h.e.Svc.CallJourney(ctx, booking.Actor{Name: "sup", Channel: booking.ChannelOperator}, p.sid, "测试", 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	last := ev[len(ev)-1]
	if last.FromStep != "confirm" || last.Step != "done" || last.SMS != booking.MsgConfirmation || last.Keys != "1" {
		t.Fatalf("last row %+v: want confirm>done with the confirmation SMS", last)
	}
	for _, e := range ev {
		if e.FromStep == "name" && e.Keys != "(语音)" {
			t.Errorf("the name step kept %q: speech is never stored", e.Keys)
		}
	}
}
