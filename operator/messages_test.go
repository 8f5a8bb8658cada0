package operator_test

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"yuyue/booking"
	"yuyue/sms"
)

// A failed Aliyun delivery report shows in the console's message view with
// the carrier's error code.
func TestMessageViewShowsFailedReport(t *testing.T) {
	e := newEnv(t)
	c := e.citizen(t, 1)
	e.Book(t, c, e.Place(t, "FT01", "newborn", "2026-12-03", "14:00"))
	var items []booking.OutboxItem
	err := e.InTx(ctx, func(tx booking.Tx) (err error) {
		if items, err = tx.ClaimMessages(e.Clock.Now(), 1); err != nil {
			return err
		}
		return tx.FinishMessage(booking.SendResult{ID: items[0].ID, Outcome: booking.SendSent, SID: "900001^0", At: e.Clock.Now()})
	})
	if err != nil {
		t.Fatal(err)
	}
	token := strings.Repeat("t", 32)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	(&sms.AliyunPush{Commands: &sms.Inbound{Svc: e.Svc, Log: log}, Token: token, Log: log}).Mount(e.app)
	body := `[{"phone_number":"` + strings.TrimPrefix(c.Phone, "+86") + `","success":false,"biz_id":"900001^0","out_id":"` +
		strconv.FormatInt(items[0].ID, 10) + `","err_code":"MK:0012","err_msg":"失败","send_time":"2026-11-30 09:00:00","report_time":"2026-11-30 09:00:05","sms_size":"1"}]`
	req := httptest.NewRequest("POST", "/aliyun/sms/report/"+token, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := e.app.Test(req, -1)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("report: %v %v", resp.StatusCode, err)
	}
	b := e.browser(t).login("op1")
	code, page := b.get("/console/messages")
	if code != 200 {
		t.Fatalf("messages page: %d", code)
	}
	row := page[strings.Index(page, `class="msg-`+strconv.FormatInt(items[0].ID, 10)+`"`):]
	row = row[:strings.Index(row, "</tr>")]
	for _, want := range []string{">预约确认<", ">已发送<", `<td class="delivery" title="failed">失败</td>`, `<td class="err">MK:0012</td>`, "138****0001"} {
		if !strings.Contains(row, want) {
			t.Fatalf("row lacks %q: %s", want, row)
		}
	}
	if strings.Contains(page, c.Phone) {
		t.Fatal("the message view shows a full phone number")
	}
	if !strings.Contains(page, "时间（北京时间）") {
		t.Fatal("the message view does not state its time zone")
	}
	// the table is Chinese: the codes live only in tooltips
	for _, code := range []string{">confirmation<", ">sent<", ">failed<", ">pending<"} {
		if strings.Contains(page, code) {
			t.Fatalf("the message view shows the code %s", code)
		}
	}
}
