package sms_test

import (
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"yuyue/booking"
	"yuyue/sms"
	"yuyue/sms/aliyuntest"
	"yuyue/store/storetest"
)

// enqueue queues a code message to phone.
func (a *aliyunEnv) enqueue(t *testing.T, phone, code string) {
	t.Helper()
	err := a.InTx(ctx, func(tx booking.Tx) error {
		return tx.Enqueue(booking.Message{To: phone, Kind: booking.MsgCode, Params: map[string]string{"code": code}})
	})
	if err != nil {
		t.Fatal(err)
	}
}

// metric reads a gauge or the sum of a counter's series from the default
// registry, as /metrics shows it.
func metric(t *testing.T, name string) float64 {
	t.Helper()
	mfs, err := prometheus.DefaultGatherer.Gather()
	if err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			sum += m.GetGauge().GetValue() + m.GetCounter().GetValue()
		}
	}
	return sum
}

// Aliyun's flow control for one number (1 a minute): the second message
// is refused with the minute-level message and sent once, after the
// minute, not on the doubling backoff and not before.
func TestAliyunMinuteLimitRetriedOnceAfterTheMinute(t *testing.T) {
	a := newAliyunEnv(t, aliSecret)
	a.fake.Flow = &aliyuntest.FlowControl{Minute: 1, Hour: 5, Day: 10, Now: a.Clock.Now}
	phone := storetest.Phone(4)
	a.enqueue(t, phone, "111111")
	a.enqueue(t, phone, "222222")
	a.drain(t)
	// the worker sends two at once: either message may be the refused one
	var pending []booking.OutboxRow
	for _, r := range a.rows(t) {
		if r.Status == "pending" && strings.Contains(r.LastError, "触发分钟级流控") {
			pending = append(pending, r)
		}
	}
	if len(a.fake.Sends()) != 1 || a.fake.Requests() != 2 || len(pending) != 1 {
		t.Fatalf("after the first drain: sends %d requests %d rows %+v", len(a.fake.Sends()), a.fake.Requests(), a.rows(t))
	}
	a.Clock.Advance(59 * time.Second) // the doubling backoff (1 s base) would have retried by now
	a.drain(t)
	if a.fake.Requests() != 2 {
		t.Fatalf("retried within the minute: %d requests", a.fake.Requests())
	}
	a.Clock.Advance(time.Second)
	a.drain(t)
	a.drain(t)
	rows := a.rows(t)
	if a.fake.Requests() != 3 || len(a.fake.Sends()) != 2 || rows[0].Status != "sent" || rows[1].Status != "sent" {
		t.Fatalf("after the minute: requests %d rows %+v", a.fake.Requests(), rows)
	}
}

// An hour- or day-level limit is final: the message fails, nothing is
// retried minutes later, and the citizen's next code request is refused
// with the cap's reason (which the IVR and the site say) until it lifts.
func TestAliyunHourAndDayLimitsAreFinal(t *testing.T) {
	a := newAliyunEnv(t, aliSecret)
	codes := newCodes(a.Env)
	for i, lim := range []aliyuntest.Reply{aliyuntest.HourLimit, aliyuntest.DayLimit} {
		phone := storetest.Phone(10 + i)
		a.fake.Script(lim)
		a.enqueue(t, phone, "333333")
		a.drain(t)
		before := a.fake.Requests()
		a.Clock.Advance(5 * time.Minute)
		a.drain(t)
		if rows := a.rows(t); rows[0].Status != "failed" || a.fake.Requests() != before || !strings.Contains(rows[0].LastError, lim.Message) {
			t.Fatalf("%s: row %+v, requests %d then %d", lim.Message, rows[0], before, a.fake.Requests())
		}
		want := map[int]string{0: "hourly_cap", 1: "daily_cap"}[i]
		if err := codes.Issue(ctx, phone, booking.PurposeBooking, ""); booking.ErrorCode(err) != booking.ERateLimited || !strings.Contains(err.Error(), want) {
			t.Fatalf("%s: next code request: %v, want %s", lim.Message, err, want)
		}
	}
	a.Clock.Advance(time.Hour) // the hour-level block has lifted, the day's not
	if err := codes.Issue(ctx, storetest.Phone(10), booking.PurposeBooking, ""); err != nil {
		t.Fatalf("after the hour: %v", err)
	}
	if err := codes.Issue(ctx, storetest.Phone(11), booking.PurposeBooking, ""); booking.ErrorCode(err) != booking.ERateLimited {
		t.Fatalf("within the day: %v", err)
	}
}

// isv.AMOUNT_NOT_ENOUGH mutes the whole service: the message fails at
// once, the metric the alert watches is 1 and /readyz's source says so;
// a send that goes through again clears both. An illegal number is final.
func TestAliyunBalanceAndIllegalNumberAreFinal(t *testing.T) {
	a := newAliyunEnv(t, aliSecret)
	a.fake.NoBalance = true
	before := metric(t, "yuyue_sms_provider_refusals_total")
	a.enqueue(t, storetest.Phone(5), "444444")
	a.drain(t)
	if rows := a.rows(t); rows[0].Status != "failed" || a.fake.Requests() != 1 {
		t.Fatalf("row %+v after %d requests", rows[0], a.fake.Requests())
	}
	if code, _ := sms.AccountProblem(); code != "isv.AMOUNT_NOT_ENOUGH" || metric(t, "yuyue_sms_provider_account_blocked") != 1 {
		t.Fatalf("account problem %q, gauge %v", code, metric(t, "yuyue_sms_provider_account_blocked"))
	}
	if got := metric(t, "yuyue_sms_provider_refusals_total") - before; got != 1 {
		t.Fatalf("refusals counted %v", got)
	}
	a.fake.NoBalance = false
	a.enqueue(t, storetest.Phone(5), "555555")
	a.drain(t)
	if code, _ := sms.AccountProblem(); code != "" || metric(t, "yuyue_sms_provider_account_blocked") != 0 {
		t.Fatalf("after a send went through: %q", code)
	}
	a.enqueue(t, "+861234", "666666")
	a.drain(t)
	a.Clock.Advance(time.Hour)
	a.drain(t)
	if rows := a.rows(t); rows[0].Status != "failed" || !strings.Contains(rows[0].LastError, "isv.MOBILE_NUMBER_ILLEGAL") || a.fake.Requests() != 3 {
		t.Fatalf("illegal number: %+v, %d requests", rows[0], a.fake.Requests())
	}
}
