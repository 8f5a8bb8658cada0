package sms

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"yuyue/booking"
)

// AliyunPush receives Aliyun SMS's HTTP batch pushes: citizens' replies
// (上行, POST /aliyun/sms/up/<token>) and delivery reports (POST
// /aliyun/sms/report/<token>). Aliyun signs nothing: the token in the URL
// is the secret. A batch is answered {"code":0} only once it is recorded;
// anything else makes Aliyun push it again (after 1, 5 and 10 minutes,
// then it is lost), so a reply whose command failed after it was recorded
// is run again by RetryPending, not left to those re-pushes. A malformed
// item is skipped (logged and counted), never a reason to refuse the rest.
type AliyunPush struct {
	Commands *Inbound // runs replies as SMS commands
	Token    string
	Log      *slog.Logger
	// Kick, when set, wakes the outbox worker so a reply leaves at once.
	Kick func()
}

// claimLease is how long a handler owns an up-message before a re-push may
// run it again (a crash mid-command leaves it claimed).
const claimLease = 30 * time.Second

// upRetryFor is how long after it arrived a reply whose command failed is
// still run again: later, an answer would confuse more than it helps.
const upRetryFor = time.Hour

// Mount adds the push routes. Aliyun's console checks a push URL with a
// GET before it saves it, within a second: Check answers it.
func (p *AliyunPush) Mount(r fiber.Router) {
	r.Post("/aliyun/sms/up/:token", p.Up)
	r.Post("/aliyun/sms/report/:token", p.Report)
	r.Get("/aliyun/sms/up/:token", p.Check)
	r.Get("/aliyun/sms/report/:token", p.Check)
}

// Check answers the console's GET on a push URL: the token is checked as
// for a push, nothing else is done, so it is fast.
func (p *AliyunPush) Check(c *fiber.Ctx) error {
	if !p.authorized(c) {
		return refuse(c, fiber.StatusForbidden, "forbidden")
	}
	return c.JSON(fiber.Map{"code": 0, "msg": "成功"})
}

func (p *AliyunPush) authorized(c *fiber.Ctx) bool {
	return p.Token != "" && subtle.ConstantTimeCompare([]byte(c.Params("token")), []byte(p.Token)) == 1
}

func received(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"code": 0, "msg": "接收成功"})
}

func refuse(c *fiber.Ctx, status int, msg string) error {
	return c.Status(status).JSON(fiber.Map{"code": status, "msg": msg})
}

// upItem is one element of an up-message batch.
type upItem struct {
	PhoneNumber string      `json:"phone_number"`
	Content     *string     `json:"content"`
	SendTime    string      `json:"send_time"`
	DestCode    string      `json:"dest_code"`
	SequenceID  json.Number `json:"sequence_id"`
}

// Up records a batch of replies, then runs each one not handled before and
// queues its answer. It answers success once the batch is recorded: a
// command that fails after that is run again by RetryPending.
func (p *AliyunPush) Up(c *fiber.Ctx) error {
	if !p.authorized(c) {
		return refuse(c, fiber.StatusForbidden, "forbidden")
	}
	raw, err := decodeBatch(c.Body())
	if err != nil {
		return refuse(c, fiber.StatusBadRequest, err.Error())
	}
	var ups []booking.UpMessage
	for i, r := range raw {
		var it upItem
		if err := strictItem(r, &it); err != nil || it.PhoneNumber == "" || it.SequenceID == "" || it.Content == nil {
			p.skip("up", i, "phone_number, content and sequence_id are required")
			continue
		}
		ups = append(ups, booking.UpMessage{SequenceID: it.SequenceID.String(), Phone: it.PhoneNumber, Content: *it.Content,
			DestCode: it.DestCode, SendTime: it.SendTime})
	}
	svc := p.Commands.Svc
	ctx := c.UserContext()
	err = svc.RecordUps(ctx, ups)
	if err != nil {
		p.Log.Error("aliyun up: record", "err", err)
		return refuse(c, fiber.StatusInternalServerError, "not recorded")
	}
	for _, u := range ups {
		if err := p.handle(ctx, u.SequenceID); err != nil {
			p.Log.Warn("aliyun up: command failed, will run again", "sequence_id", u.SequenceID, "err", err)
		}
	}
	return received(c)
}

// skip logs and counts a malformed item of a push batch.
func (p *AliyunPush) skip(push string, i int, why string) {
	smsPushItemsRejected.WithLabelValues(push).Inc()
	p.Log.Warn("aliyun push: malformed item skipped", "push", push, "item", i, "why", why)
}

// RetryPending runs the recorded replies whose command did not finish
// (failed, or its handler died) and whose claim has lapsed, received within
// upRetryFor. It returns how many it ran.
func (p *AliyunPush) RetryPending(ctx context.Context) (int, error) {
	svc := p.Commands.Svc
	now := svc.Now()
	seqs, err := svc.PendingUps(ctx, now.Add(-claimLease), now.Add(-upRetryFor), 50)
	n := 0
	for _, seq := range seqs {
		if err := p.handle(ctx, seq); err != nil {
			p.Log.Warn("aliyun up: command failed again", "sequence_id", seq, "err", err)
			continue
		}
		n++
	}
	return n, err
}

// Run calls RetryPending every interval until ctx ends.
func (p *AliyunPush) Run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := p.RetryPending(ctx); err != nil && ctx.Err() == nil {
				p.Log.Error("aliyun up: retry", "err", err)
			}
		}
	}
}

// handle runs one recorded up-message once: the claim keeps a concurrent
// re-push from running it twice, and the reply is queued in the same
// transaction that marks it handled.
func (p *AliyunPush) handle(ctx context.Context, seq string) error {
	svc := p.Commands.Svc
	m, mine, err := svc.ClaimUp(ctx, seq, claimLease)
	if err != nil || !mine {
		return err
	}
	reply := p.Commands.Answer(ctx, m.Phone, m.Content)
	to, nerr := booking.NormalizeMobile(m.Phone)
	if nerr != nil {
		to = "" // no reply to a number that is none
	}
	msgs := make([]booking.Message, len(reply))
	for i, r := range reply {
		msgs[i] = booking.Message{Kind: r.Kind, Params: r.Params}
	}
	err = svc.FinishUp(ctx, seq, to, msgs)
	if err == nil && p.Kick != nil {
		p.Kick()
	}
	return err
}

// reportItem is one element of a delivery-report batch.
type reportItem struct {
	PhoneNumber string `json:"phone_number"`
	Success     *bool  `json:"success"`
	BizID       string `json:"biz_id"`
	OutID       string `json:"out_id"`
	ErrCode     string `json:"err_code"`
	ErrMsg      string `json:"err_msg"`
	SendTime    string `json:"send_time"`
	ReportTime  string `json:"report_time"`
	SMSSize     string `json:"sms_size"`
}

// Report records a batch of delivery reports on their outbox rows; a
// malformed item is skipped and the others applied.
func (p *AliyunPush) Report(c *fiber.Ctx) error {
	if !p.authorized(c) {
		return refuse(c, fiber.StatusForbidden, "forbidden")
	}
	raw, err := decodeBatch(c.Body())
	if err != nil {
		return refuse(c, fiber.StatusBadRequest, err.Error())
	}
	var items []reportItem
	for i, r := range raw {
		var it reportItem
		if err := strictItem(r, &it); err != nil || it.Success == nil || it.BizID == "" && it.OutID == "" {
			p.skip("report", i, "success and biz_id or out_id are required")
			continue
		}
		items = append(items, it)
	}
	rs := make([]booking.DeliveryReport, len(items))
	for i, it := range items {
		rs[i] = deliveryReport(it)
	}
	// What each report did is noted inside the transaction, which may run
	// more than once, and logged and counted once it committed.
	type outcome struct {
		changed bool
		err     error
	}
	outs := make([]outcome, len(items))
	err = p.Commands.Svc.SetDeliveryReports(c.UserContext(), rs, func(i int, changed bool, err error) error {
		outs[i] = outcome{changed, err}
		if booking.ErrorCode(err) == booking.ENotFound {
			return nil // skipped, not an error
		}
		return err
	})
	if err != nil {
		p.Log.Error("aliyun report: record", "err", err)
		return refuse(c, fiber.StatusInternalServerError, "not recorded")
	}
	for i, o := range outs {
		p.record(items[i], rs[i], o.changed, o.err)
	}
	return received(c)
}

func deliveryReport(it reportItem) booking.DeliveryReport {
	status, code := "delivered", ""
	if !*it.Success {
		status, code = "failed", it.ErrCode
	}
	outID, _ := strconv.ParseInt(it.OutID, 10, 64)
	return booking.DeliveryReport{SID: it.BizID, OutboxID: outID, Status: status, ErrorCode: code}
}

// record logs and counts what one committed report did: an unknown message
// is skipped, an undelivered one counted.
func (p *AliyunPush) record(it reportItem, r booking.DeliveryReport, changed bool, err error) {
	if booking.ErrorCode(err) == booking.ENotFound {
		p.Log.Warn("aliyun report for an unknown message", "biz_id", it.BizID, "out_id", it.OutID)
		return
	}
	if changed && r.Status == "failed" {
		smsDelivery.WithLabelValues(r.Status, r.ErrorCode).Inc()
		p.Log.Warn("sms not delivered", "biz_id", it.BizID, "out_id", it.OutID, "err_code", r.ErrorCode)
	}
}

// decodeBatch reads a JSON array and nothing after it, its items still
// raw: each is decoded alone, so one bad item spoils only itself.
func decodeBatch(body []byte) ([]json.RawMessage, error) {
	if !bytes.HasPrefix(bytes.TrimSpace(body), []byte("[")) {
		return nil, fmt.Errorf("body must be a JSON array")
	}
	d := json.NewDecoder(bytes.NewReader(body))
	var items []json.RawMessage
	if err := d.Decode(&items); err != nil {
		return nil, fmt.Errorf("body is not the push JSON: %s", strings.SplitN(err.Error(), "\n", 2)[0])
	}
	if d.More() {
		return nil, fmt.Errorf("body has data after the JSON array")
	}
	return items, nil
}

// strictItem decodes one item of a batch, numbers kept as written.
func strictItem(raw json.RawMessage, v any) error {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	return d.Decode(v)
}
