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
// anything else makes Aliyun push it again (after 1, 5 and 10 minutes).
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

// Mount adds the push routes.
func (p *AliyunPush) Mount(r fiber.Router) {
	r.Post("/aliyun/sms/up/:token", p.Up)
	r.Post("/aliyun/sms/report/:token", p.Report)
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
// queues its answer as a reply message.
func (p *AliyunPush) Up(c *fiber.Ctx) error {
	if !p.authorized(c) {
		return refuse(c, fiber.StatusForbidden, "forbidden")
	}
	var items []upItem
	if err := decodeBatch(c.Body(), &items); err != nil {
		return refuse(c, fiber.StatusBadRequest, err.Error())
	}
	ups := make([]booking.UpMessage, len(items))
	for i, it := range items {
		if it.PhoneNumber == "" || it.SequenceID == "" || it.Content == nil {
			return refuse(c, fiber.StatusBadRequest, fmt.Sprintf("item %d: phone_number, content and sequence_id are required", i))
		}
		ups[i] = booking.UpMessage{SequenceID: it.SequenceID.String(), Phone: it.PhoneNumber, Content: *it.Content,
			DestCode: it.DestCode, SendTime: it.SendTime}
	}
	svc := p.Commands.Svc
	ctx := c.UserContext()
	err := svc.Store.InTx(ctx, func(tx booking.Tx) error {
		for i := range ups {
			ups[i].ReceivedAt = svc.Now()
			if _, err := tx.RecordUp(ups[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		p.Log.Error("aliyun up: record", "err", err)
		return refuse(c, fiber.StatusInternalServerError, "not recorded")
	}
	failed := false
	for _, u := range ups {
		if err := p.handle(ctx, u.SequenceID); err != nil {
			p.Log.Error("aliyun up: command", "sequence_id", u.SequenceID, "err", err)
			failed = true
		}
	}
	if failed {
		// Recorded but not answered: a re-push runs what is left.
		return refuse(c, fiber.StatusInternalServerError, "retry")
	}
	return received(c)
}

// handle runs one recorded up-message once: the claim keeps a concurrent
// re-push from running it twice, and the reply is queued in the same
// transaction that marks it handled.
func (p *AliyunPush) handle(ctx context.Context, seq string) error {
	svc := p.Commands.Svc
	var m booking.UpMessage
	var mine bool
	err := svc.Store.InTx(ctx, func(tx booking.Tx) (err error) {
		now := svc.Now()
		m, mine, err = tx.ClaimUp(seq, now, now.Add(-claimLease))
		return err
	})
	if err != nil || !mine {
		return err
	}
	reply := p.Commands.Answer(ctx, m.Phone, m.Content)
	to, nerr := booking.NormalizeMobile(m.Phone)
	err = svc.Store.InTx(ctx, func(tx booking.Tx) error {
		if nerr == nil {
			for _, r := range reply {
				if err := tx.Enqueue(booking.Message{To: to, Kind: r.Kind, Params: r.Params}); err != nil {
					return err
				}
			}
		}
		return tx.FinishUp(seq, svc.Now())
	})
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

// Report records a batch of delivery reports on their outbox rows.
func (p *AliyunPush) Report(c *fiber.Ctx) error {
	if !p.authorized(c) {
		return refuse(c, fiber.StatusForbidden, "forbidden")
	}
	var items []reportItem
	if err := decodeBatch(c.Body(), &items); err != nil {
		return refuse(c, fiber.StatusBadRequest, err.Error())
	}
	for i, it := range items {
		if it.Success == nil || it.BizID == "" && it.OutID == "" {
			return refuse(c, fiber.StatusBadRequest, fmt.Sprintf("item %d: success and biz_id or out_id are required", i))
		}
	}
	err := p.Commands.Svc.Store.InTx(c.UserContext(), func(tx booking.Tx) error {
		for _, it := range items {
			if err := p.record(tx, it); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		p.Log.Error("aliyun report: record", "err", err)
		return refuse(c, fiber.StatusInternalServerError, "not recorded")
	}
	return received(c)
}

func (p *AliyunPush) record(tx booking.Tx, it reportItem) error {
	status, code := "delivered", ""
	if !*it.Success {
		status, code = "failed", it.ErrCode
	}
	outID, _ := strconv.ParseInt(it.OutID, 10, 64)
	changed, err := tx.SetDeliveryReport(it.BizID, outID, status, code)
	if booking.ErrorCode(err) == booking.ENotFound {
		p.Log.Warn("aliyun report for an unknown message", "biz_id", it.BizID, "out_id", it.OutID)
		return nil
	}
	if changed && status == "failed" {
		smsDelivery.WithLabelValues(status, code).Inc()
		p.Log.Warn("sms not delivered", "biz_id", it.BizID, "out_id", it.OutID, "err_code", code)
	}
	return err
}

// decodeBatch reads a JSON array and nothing after it.
func decodeBatch(body []byte, v any) error {
	if !bytes.HasPrefix(bytes.TrimSpace(body), []byte("[")) {
		return fmt.Errorf("body must be a JSON array")
	}
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	if err := d.Decode(v); err != nil {
		return fmt.Errorf("body is not the push JSON: %s", strings.SplitN(err.Error(), "\n", 2)[0])
	}
	if d.More() {
		return fmt.Errorf("body has data after the JSON array")
	}
	return nil
}
