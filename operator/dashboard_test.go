package operator_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"yuyue/booking"
	"yuyue/operator"
	"yuyue/store/storetest"
)

// seedDashboard books places through every channel, leaves no-shows in
// the past, queues SMS of two providers and records calls with journeys;
// call 0 went menu → ID number → code → mode and was transferred.
func seedDashboard(t *testing.T, e *env) {
	t.Helper()
	days := e.Svc.Window()
	now := e.Clock.Now()
	channels := []string{booking.ChannelIVR, booking.ChannelSIP, booking.ChannelWeb, booking.ChannelApp, booking.ChannelOperator}
	for i := range 14 {
		c := e.citizen(t, 200+i)
		err := e.InTx(ctx, func(tx booking.Tx) error {
			ps, err := tx.Places(booking.PlaceFilter{Office: "FT01", Business: "newborn", From: days[i%4], To: days[i%4], OnlyFree: true})
			if err != nil || len(ps) == 0 {
				return fmt.Errorf("no place: %v", err)
			}
			if err := tx.TakePlace(ps[0].ID); err != nil {
				return err
			}
			p := ps[0]
			b := booking.Booking{CitizenID: c.ID, PlaceID: p.ID, Business: p.Business, Office: p.Office, Date: p.Date, Start: p.Start,
				End: p.End, Status: booking.StatusBooked, CreatedAt: now, Channel: channels[i%len(channels)]}
			if err := tx.InsertBooking(&b); err != nil {
				return err
			}
			past := booking.DateOf(now.AddDate(0, 0, -1-i*3), shanghai)
			st := []booking.Status{booking.StatusNoShow, booking.StatusCompleted, booking.StatusCompleted}[i%3]
			pb := booking.Booking{CitizenID: c.ID, PlaceID: p.ID, Business: "idcard", Office: []string{"FT01", "NS01"}[i%2], Date: past,
				Start: "09:00", End: "10:00", Status: st, CreatedAt: now, Channel: booking.ChannelIVR}
			return tx.InsertBooking(&pb)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	err := e.InTx(ctx, func(tx booking.Tx) error {
		for i := range 9 {
			if err := tx.Enqueue(booking.Message{To: storetest.Phone(i), Kind: booking.MsgReminder, Params: map[string]string{}}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = e.InTx(ctx, func(tx booking.Tx) error {
		for i := range 6 {
			sid := fmt.Sprintf("SM%032d", i)
			r := booking.SendResult{ID: int64(i + 1), Outcome: booking.SendSent, SID: sid, At: now, Provider: []string{"aliyun", "twilio"}[i%2]}
			if i == 5 {
				r.Outcome, r.SID = booking.SendFailed, ""
			}
			if err := tx.FinishMessage(r); err != nil {
				return err
			}
			if i < 3 {
				if _, err := tx.SetDeliveryStatus(sid, "delivered", ""); err != nil {
					return err
				}
			}
		}
		steps := []string{"menu", "id_number", "code", "mode", "operator"}
		for i := range 12 {
			sid := fmt.Sprintf("CA%032d", i)
			at := now.Add(-time.Duration(i*97) * time.Minute)
			if err := tx.AddCallEvent(booking.CallEvent{SID: sid, Seq: 1, At: at, Kind: booking.CallStart, Channel: "ivr",
				Caller: booking.MaskPhone(storetest.Phone(300 + i)), Step: "menu"}); err != nil {
				return err
			}
			n := len(steps) - 1 - i%len(steps)
			for k := 1; k <= n; k++ {
				e := booking.CallEvent{SID: sid, Seq: k + 1, At: at.Add(time.Duration(k*7) * time.Second), Kind: booking.CallInput,
					FromStep: steps[k-1], Step: steps[k], Keys: []string{"1", "••••••••••••••••••", "••••••", "0"}[k-1]}
				if k == 2 {
					e.SMS = booking.MsgCode
				}
				if k == 4 {
					e.Detail = "转人工"
				}
				if err := tx.AddCallEvent(e); err != nil {
					return err
				}
			}
			if n == 4 {
				if err := tx.AddCallEvent(booking.CallEvent{SID: sid, Seq: 6, At: at.Add(time.Minute), Kind: booking.CallTransfer,
					FromStep: "operator", Step: "menu", Detail: "无人接听"}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

var shanghai, _ = time.LoadLocation("Asia/Shanghai")

// The dashboard is the administrators': it shows each figure as text in
// its chart, every chart with a title, a description and two axes; other
// roles are refused.
func TestDashboardPage(t *testing.T) {
	e := newEnv(t)
	seedDashboard(t, e)
	for _, who := range []string{"op1", "clerk1"} {
		if code, _ := e.browser(t).login(who).get("/console/dashboard"); code != http.StatusForbidden {
			t.Errorf("%s: dashboard %d, want 403", who, code)
		}
	}
	admin := e.browser(t).login("admin1")
	code, body := admin.get("/console/dashboard")
	if code != 200 {
		t.Fatalf("dashboard %d", code)
	}
	for _, id := range []string{"chart-bookings", "chart-fill", "chart-noshow", "chart-sms", "chart-calls", "chart-funnel"} {
		i := strings.Index(body, `id="`+id+`"`)
		if i < 0 {
			t.Fatalf("no chart %s", id)
		}
		fig := body[i:]
		fig = fig[:strings.Index(fig, "</figure>")]
		if !strings.Contains(fig, "<title id=") || !strings.Contains(fig, "<desc id=") || strings.Count(fig, `stroke-width="1.2"`) != 1 ||
			strings.Count(fig, "<line") < 4 || !strings.Contains(fig, `class="axis"`) {
			t.Errorf("chart %s lacks a title, description or axes", id)
		}
	}
	d, err := e.Svc.Dashboard(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	var wants []string
	for _, f := range d.Fill {
		wants = append(wants, fmt.Sprintf("%d/%d）", f.Taken, f.Capacity))
	}
	for _, n := range d.NoShows {
		wants = append(wants, fmt.Sprintf("（%d/%d）", n.NoShow, n.Due))
	}
	wants = append(wants, "送达2 失败0 待确认1", "送达1 失败1 待确认1", "尚未发送", "送达0 失败0 待确认3", "共12通", "114", "SIP", "网站", "App", "窗口")
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("dashboard lacks %q", w)
		}
	}
	// the funnel's figures add up to the calls
	sum := 0
	fun := body[strings.Index(body, `id="chart-funnel"`):]
	for _, m := range regexp.MustCompile(`class="figure"[^>]*>(\d+)（`).FindAllStringSubmatch(fun[:strings.Index(fun, "</figure>")], -1) {
		var n int
		fmt.Sscan(m[1], &n)
		sum += n
	}
	if sum != 12 {
		t.Errorf("funnel figures add up to %d, want the 12 calls", sum)
	}
	_, one := admin.get("/console/dashboard?office=NS01")
	if !strings.Contains(one, "运行概览 · 南头派出所户政室") || strings.Contains(one, "福田派出所户政室</text>") {
		t.Error("the one-office dashboard shows other offices")
	}
	// an office manager sees their own office only, whatever the query asks
	if _, err := operator.AddOperator(e.Svc, "mgr1", booking.RoleManager, "NS01", password); err != nil {
		t.Fatal(err)
	}
	code, mine := e.browser(t).login("mgr1").get("/console/dashboard?office=FT01")
	if code != 200 || !strings.Contains(mine, "运行概览 · 南头派出所户政室") || strings.Contains(mine, "福田派出所户政室</text>") {
		t.Errorf("manager's dashboard %d is not their office's alone", code)
	}
}

// An operator finds a call by the number's tail, must give a reason to
// open it, and the view is audited; keys stay masked.
func TestCallJourneyPage(t *testing.T) {
	e := newEnv(t)
	seedDashboard(t, e)
	if code, _ := e.browser(t).login("clerk1").get("/console/calls"); code != http.StatusForbidden {
		t.Errorf("clerk: calls %d, want 403", code)
	}
	op := e.browser(t).login("op1")
	tail := storetest.Phone(300)[len(storetest.Phone(300))-4:]
	_, body := op.get("/console/calls?tail=" + tail)
	if strings.Count(body, `class="open-journey"`) != 1 || !strings.Contains(body, booking.MaskPhone(storetest.Phone(300))) {
		t.Fatalf("search by tail %s:\n%s", tail, body)
	}
	_, all := op.get("/console/calls")
	if n := strings.Count(all, `class="open-journey"`); n != 6 { // 09:00: the calls of 00:00 on, one per 97 min
		t.Errorf("today's calls: %d listed, want 6", n)
	}
	sid := fmt.Sprintf("CA%032d", 0)
	if code, _, flash := op.submit("/console/calls/open", url.Values{"sid": {sid}, "reason": {""}}); code != 200 || !strings.Contains(flash, "原因") {
		t.Errorf("no reason: %d %q", code, flash)
	}
	code, page, _ := op.do("POST", "/console/calls/open", url.Values{"sid": {sid}, "reason": {"市民投诉核查"}, "csrf": {op.csrf}})
	if code != 200 {
		t.Fatalf("open: %d", code)
	}
	for _, w := range []string{"来电接入", "输入身份证号", "••••••••••••••••••", "输入验证码", "验证码", "转人工", "无人接听", "市民投诉核查"} {
		if !strings.Contains(page, w) {
			t.Errorf("journey lacks %q", w)
		}
	}
	entries, _ := e.Svc.AuditLog(ctx, booking.AuditFilter{Action: "call.view"})
	if len(entries) != 1 || entries[0].Actor != "op1" || !strings.Contains(entries[0].Detail, "市民投诉核查") {
		t.Errorf("audit %+v", entries)
	}
}
