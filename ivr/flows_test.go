package ivr_test

import (
	"strings"
	"testing"
	"time"

	"yuyue/booking"
	"yuyue/store/storetest"
)

// keys turns an ID number into keypad presses: * for X, # to finish.
func keys(id string) string { return strings.ReplaceAll(id, "X", "*") + "#" }

var zhDigit = map[rune]string{'0': "零", '1': "幺", '2': "二", '3': "三", '4': "四", '5': "五", '6': "六", '7': "七", '8': "八", '9': "九"}

func spoken(ref string) string {
	parts := []string{}
	for _, r := range ref {
		parts = append(parts, zhDigit[r])
	}
	return strings.Join(parts, "，")
}

// bookNewCaller registers citizen n by phone and books newborn at FT01 on
// the first date and period, by business.
func bookNewCaller(t *testing.T, h *harness, n int) (*phone, booking.Booking) {
	p := h.dial(storetest.Phone(n))
	p.expect("menu", "欢迎致电").press("1")
	p.expect("id_number").press(keys(storetest.ID(n)))
	p.expect("name").speak("张 三。")
	p.expect("name_confirm", "张三").press("1")
	p.expect("phone_choice", "138****").press("1")
	p.expect("code", "验证码已发送到本机").press(p.code(storetest.Phone(n)))
	p.expect("mode").press("1")
	p.expect("business", "新生儿入户请按1", "居民身份证申领换领请按2").press("1")
	p.expect("district", "福田区请按1", "南山区请按2").press("1")
	p.expect("office", "福田派出所户政室请按1").press("1")
	p.expect("notice", "请携带出生医学证明", "继续预约请按1").press("1")
	p.expect("date", "12月1日星期二请按1").press("1")
	p.expect("period", "上午九点到十点请按1", "下午两点到三点请按2").press("1")
	p.expect("confirm", "新生儿入户", "福田派出所户政室", "12月1日星期二", "上午九点到十点").press("1")
	if p.action != "" || !strings.Contains(p.xml, "<Hangup") {
		t.Fatalf("done must hang up after reading the reference:\n%s", p.xml)
	}
	cz, err := h.e.Svc.CitizenByPhone(ctx, storetest.Phone(n))
	if err != nil {
		t.Fatal(err)
	}
	bs, _ := h.e.Svc.ActiveBookings(ctx, cz.ID)
	if len(bs) != 1 || bs[0].Office != "FT01" || bs[0].Business != "newborn" || bs[0].Start != "09:00" {
		t.Fatalf("bookings after the call: %+v", bs)
	}
	p.heard("预约成功", spoken(bs[0].Reference)+"。再说一遍："+spoken(bs[0].Reference))
	return p, bs[0]
}

func TestNewCallerRegistersAndBooksByBusiness(t *testing.T) {
	h := newHarness(t, true)
	_, b := bookNewCaller(t, h, 1)
	h.worker.Drain(ctx)
	sms := h.fake.LastTo(storetest.Phone(1))
	if !strings.Contains(sms, b.Reference) || !strings.Contains(sms, "福田派出所户政室") {
		t.Fatalf("confirmation SMS: %s", sms)
	}
	if strings.Contains(sms, storetest.ID(1)[6:14]) {
		t.Fatal("the SMS carries part of the ID number")
	}
}

func TestRegisteredCallerBooksByOffice(t *testing.T) {
	h := newHarness(t, true)
	c := h.e.Citizen(t, 2)
	p := h.dial(c.Phone)
	if p.expect("menu").press("1"); strings.Contains(p.said, "张") {
		t.Fatalf("the calling number alone revealed the name: %s", p.said)
	}
	p.expect("code", "验证码已发送到本机").press(p.code(c.Phone))
	p.expect("mode").press("2")
	p.expect("district").press("2")
	p.expect("office", "南头派出所户政室请按1").press("1")
	p.expect("business", "新生儿入户请按1").press("1")
	p.expect("notice").press("2") // hear it again
	p.expect("notice", "请携带出生医学证明").press("1")
	p.expect("date").press("2")
	p.expect("period").press("2")
	p.expect("confirm", "南头派出所户政室", "下午两点到三点").press("1")
	bs, _ := h.e.Svc.ActiveBookings(ctx, c.ID)
	if len(bs) != 1 || bs[0].Office != "NS01" || bs[0].Date.String() != "2026-12-02" || bs[0].Start != "14:00" {
		t.Fatalf("bookings: %+v", bs)
	}
}

func TestQueryAndCancelByPhone(t *testing.T) {
	h := newHarness(t, true)
	c := h.e.Citizen(t, 3)
	b := h.e.Book(t, c, h.e.Place(t, "FT01", "idcard", "2026-12-03", "14:00"))
	q := h.dial(c.Phone)
	q.press("2").expect("code").press(q.code(c.Phone))
	q.expect("pick_booking", "您有1个有效预约", "居民身份证申领换领").press("1")
	q.expect("query_action", spoken(b.Reference), "改约请按1").press("2")
	q.expect("pick_booking").press("*")
	q.expect("pick_booking", "再按一次星号键返回主菜单").press("*")
	q.expect("menu", "返回主菜单")
	// once verified, the same call does not ask again
	q.press("3").expect("pick_booking", "要取消哪一个预约")
	q.press("1").expect("cancel_confirm", "居民身份证申领换领").press("1")
	q.expect("menu", "预约已取消")
	if got, _ := h.e.Svc.Booking(ctx, b.ID); got.Status != booking.StatusCancelled {
		t.Fatalf("status %s", got.Status)
	}
}

func TestIdentifyByIDFromAnotherPhone(t *testing.T) {
	h := newHarness(t, true)
	c := h.e.Citizen(t, 4)
	h.e.Book(t, c, h.e.Place(t, "FT01", "idcard", "2026-12-03", "14:00"))
	p := h.dial("+8675583001234") // a landline
	p.press("2").expect("id_number").press(keys(storetest.ID(4)))
	// the code goes to the registered mobile, not the calling landline;
	// which mobile is not said, and a lost phone leads to the operator
	p.expect("code", "登记的手机", "按0再按井号键转人工")
	if strings.Contains(p.said, c.Phone[10:]) {
		t.Fatalf("the registered phone's digits were said: %s", p.said)
	}
	p.press(p.code(c.Phone))
	p.expect("pick_booking", "您有1个有效预约")
}

func TestFailurePaths(t *testing.T) {
	t.Run("place just taken offers other periods", func(t *testing.T) {
		h := newHarness(t, true)
		a, b := h.e.Citizen(t, 5), h.e.Citizen(t, 6)
		h.e.Book(t, h.e.Citizen(t, 7), h.e.Place(t, "FT01", "newborn", "2026-12-01", "09:00")) // one of two left
		pa, pb := toPeriod(t, h, a), toPeriod(t, h, b)
		pa.press("1").expect("confirm")
		pb.press("1").expect("period", "刚刚约满", "下午两点到三点请按1")
		if n := bookingCount(t, h.e, booking.BookingFilter{Statuses: []booking.Status{booking.StatusHeld, booking.StatusBooked}}); n != 2 {
			t.Fatalf("%d active bookings and holds, want 2", n)
		}
	})
	t.Run("fully booked day goes back to dates", func(t *testing.T) {
		h := newHarness(t, true)
		p := toPeriod(t, h, h.e.Citizen(t, 5))
		for i, start := range []string{"09:00", "14:00"} {
			for j := range 2 {
				h.e.Book(t, h.e.Citizen(t, 10+2*i+j), h.e.Place(t, "FT01", "newborn", "2026-12-01", start))
			}
		}
		// the listed period is gone meanwhile: the caller is told, may join
		// the day's waitlist, or goes back to the dates, where the full day
		// is no longer offered
		p.press("1").expect("waitlist_join", "当天号源已约满", "加入该日候补请按1")
		p.press("2").expect("date", "12月2日星期三请按1")
	})
	t.Run("blacklisted caller hears until when", func(t *testing.T) {
		h := newHarness(t, true)
		c := h.e.Citizen(t, 5)
		c.BannedUntil = storetest.At("2027-03-01 10:30")
		h.e.InTx(ctx, func(tx booking.Tx) error { return tx.UpdateCitizen(c) })
		p := h.dial(c.Phone).press("1")
		if p.expect("code"); strings.Contains(p.said, "暂停") {
			t.Fatalf("the blacklist was told before the code: %s", p.said)
		}
		p.press(p.code(c.Phone)).expect("menu", "预约资格暂停至3月1日")
	})
	t.Run("one active booking per business", func(t *testing.T) {
		h := newHarness(t, true)
		c := h.e.Citizen(t, 5)
		h.e.Book(t, c, h.e.Place(t, "NS01", "newborn", "2026-12-02", "09:00"))
		toPeriod(t, h, c).press("1").expect("menu", "已有一个新生儿入户的有效预约")
	})
	t.Run("cancel after the deadline", func(t *testing.T) {
		h := newHarness(t, true)
		c := h.e.Citizen(t, 5)
		b := h.e.Book(t, c, h.e.Place(t, "FT01", "newborn", "2026-12-02", "09:00"))
		h.e.Clock.Set(storetest.At("2026-12-01 18:00"))
		p := h.dial(c.Phone).press("3")
		p.press(p.code(c.Phone)).expect("pick_booking").press("1").expect("cancel_confirm").press("1")
		p.expect("menu", "已超过取消时限")
		if got, _ := h.e.Svc.Booking(ctx, b.ID); got.Status != booking.StatusBooked {
			t.Fatal("cancelled after the deadline")
		}
	})
	t.Run("phone linked to another ID", func(t *testing.T) {
		h := newHarness(t, true)
		other := h.e.Citizen(t, 5)
		// a registered caller skips registration, straight to the code
		h.dial(other.Phone).press("1").expect("code", "验证码已发送到本机")
		h.e.Clock.Advance(time.Minute) // past the resend wait
		q := h.dial(storetest.Phone(9))
		q.press("1").press(keys(storetest.ID(8))).speak("李四").press("1")
		q.expect("phone_choice").press("2").expect("phone_number").press(other.Phone[3:] + "#")
		// whether the number is linked is told only to whoever holds it
		if q.expect("code", "您选择的手机"); strings.Contains(q.said, "已绑定") {
			t.Fatalf("the link was revealed before the code: %s", q.said)
		}
		q.press(q.code(other.Phone)).expect("phone_choice", "已绑定其他身份证号码")
		if _, err := h.e.Svc.CitizenByIDNumber(ctx, storetest.ID(8)); booking.ErrorCode(err) != booking.ENotFound {
			t.Fatalf("ID 8 registered on a linked phone: %v", err)
		}
	})
	t.Run("three invalid inputs reach the operator", func(t *testing.T) {
		h := newHarness(t, true)
		p := h.dial(storetest.Phone(1))
		p.press("7").expect("menu", "输入有误").press("")
		p.expect("menu", "没有收到").press("#")
		if p.action != "" || !strings.Contains(p.xml, "<Sip>"+operator+"?") || !strings.Contains(p.said, "转接人工") {
			t.Fatalf("third failure must dial the operator:\n%s", p.xml)
		}
	})
	t.Run("three invalid inputs without operator say goodbye", func(t *testing.T) {
		h := newHarness(t, false)
		p := h.dial(storetest.Phone(1)).press("1")
		p.press("123#").press("1234567890#").press("000000000000000000#")
		if p.action != "" || !strings.Contains(p.xml, "<Hangup") || !strings.Contains(p.said, "人工服务暂不可用") {
			t.Fatalf("want goodbye:\n%s", p.xml)
		}
	})
	t.Run("operator on 0 stores the context", func(t *testing.T) {
		h := newHarness(t, true)
		c := h.e.Citizen(t, 5)
		p := h.dial(c.Phone).press("1").verify(c.Phone).press("1").press("1").press("0")
		if !strings.Contains(p.xml, "<Dial ") {
			t.Fatalf("no transfer:\n%s", p.xml)
		}
		var recs []booking.CallRecord
		h.e.View(ctx, func(tx booking.Tx) (err error) {
			recs, err = tx.Transfers(h.e.Clock.Now().Add(-30 * time.Minute))
			return err
		})
		if len(recs) != 1 || !strings.Contains(recs[0].Context, "step=district") || !strings.Contains(recs[0].Context, "business=新生儿入户") ||
			!strings.Contains(recs[0].Context, c.IDMasked) || strings.Contains(recs[0].Context, storetest.ID(5)) {
			t.Fatalf("transfer context: %+v", recs)
		}
	})
}

// toPeriod brings a registered citizen to the period list of FT01 newborn
// on the first date.
func toPeriod(t *testing.T, h *harness, c booking.Citizen) *phone {
	p := h.dial(c.Phone)
	p.press("1").verify(c.Phone).expect("mode").press("1").press("1").press("1").press("1").expect("notice").press("1")
	return p.expect("date").press("1").expect("period")
}

func TestHangUpFreesHeldPlace(t *testing.T) {
	h := newHarness(t, true)
	c := h.e.Citizen(t, 5)
	p := toPeriod(t, h, c)
	p.press("1").expect("confirm")
	place := h.e.Place(t, "FT01", "newborn", "2026-12-01", "09:00")
	if place.Taken != 1 {
		t.Fatalf("taken %d after hold", place.Taken)
	}
	p.hangup()
	p.hangup() // the status callback retried
	if place = h.e.Place(t, "FT01", "newborn", "2026-12-01", "09:00"); place.Taken != 0 {
		t.Fatalf("taken %d after hang-up, want 0", place.Taken)
	}
}

func TestReplayFinishedCallChangesNothing(t *testing.T) {
	h := newHarness(t, true)
	p, b := bookNewCaller(t, h, 1)
	h.worker.Drain(ctx)
	before := len(h.fake.Messages())
	for _, r := range p.history {
		for range 2 {
			code, xml := h.post(r.path, r.form)
			if code != 200 {
				t.Fatalf("replay %s: %d", r.path, code)
			}
			said, _ := checkTwiML(t, xml)
			if !strings.Contains(said, spoken(b.Reference)) {
				t.Fatalf("replay of %s did not replay the done prompt: %s", r.path, said)
			}
		}
	}
	h.worker.Drain(ctx)
	if n := bookingCount(t, h.e, booking.BookingFilter{}); n != 1 {
		t.Fatalf("%d bookings after replays", n)
	}
	if after := len(h.fake.Messages()); after != before {
		t.Fatalf("%d SMS after replays, %d before", after, before)
	}
}

func TestTwoCallsRaceForLastPlace(t *testing.T) {
	h := newHarness(t, true)
	a, b := h.e.Citizen(t, 5), h.e.Citizen(t, 6)
	h.e.Book(t, h.e.Citizen(t, 7), h.e.Place(t, "FT01", "newborn", "2026-12-01", "09:00"))
	pa, pb := toPeriod(t, h, a), toPeriod(t, h, b)
	done := make(chan string, 2)
	for _, p := range []*phone{pa, pb} {
		go func() {
			code, xml := h.post(p.action, p.form(map[string][]string{"Digits": {"1"}}))
			if code != 200 {
				done <- "status"
				return
			}
			said, action := checkTwiMLQuiet(xml)
			done <- action + " " + said
		}()
	}
	r1, r2 := <-done, <-done
	wonCode := strings.Contains(r1, "step=confirm") != strings.Contains(r2, "step=confirm")
	offered := strings.Contains(r1+r2, "刚刚约满")
	if !wonCode || !offered {
		t.Fatalf("want one hold and one offer of other periods:\n%s\n%s", r1, r2)
	}
	place := h.e.Place(t, "FT01", "newborn", "2026-12-01", "09:00")
	if place.Taken != 2 {
		t.Fatalf("taken %d", place.Taken)
	}
}

func TestEnglishToggle(t *testing.T) {
	h := newHarness(t, true)
	p := h.dial(storetest.Phone(1)).press("9")
	p.expect("menu", "To book, press 1")
	if !strings.Contains(p.xml, `language="en-US"`) {
		t.Fatalf("English prompt not in English voice:\n%s", p.xml)
	}
	p.press("1").expect("id_number", "18-character")
}
