package api

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"yuyue/booking"
)

// CodeSent is the answer to a code request that sent one: how long it
// works, so the app can say it (the site says the same in words).
type CodeSent struct {
	Sent      bool   `json:"sent"`
	ExpiresIn int    `json:"expires_in"` // seconds (sms.code_ttl)
	Message   string `json:"message"`
}

// SentText says a code went to the masked phone and for how long it works.
func SentText(codes CodeIssuer, phone string) string {
	return fmt.Sprintf("验证码已发送至%s，%d分钟内有效", booking.MaskPhone(phone), max(int(codes.ValidFor()/time.Minute), 1))
}

// NotSent refines a refused code request: when the resend wait refused it
// and the last code still works, the citizen is told to use that one. Any
// other error is returned unchanged.
func NotSent(ctx context.Context, codes CodeIssuer, phone, purpose string, err error) error {
	var e *booking.Error
	if !errors.As(err, &e) || e.Message != "resend_too_soon" {
		return err
	}
	if ok, perr := codes.Pending(ctx, phone, purpose); perr != nil || !ok {
		return err
	}
	return &booking.Error{Code: e.Code, Message: "resend_too_soon_use_last", Until: e.Until}
}

// issue sends a code and answers 202 with CodeSent, or the honest refusal.
func (a *API) issue(c *fiber.Ctx, phone, purpose string, anonymous bool) error {
	issue := a.Codes.Issue
	if anonymous { // no session: the anonymous budgets, not the number's own quota
		issue = a.Codes.IssueAnonymous
	}
	err := issue(c.UserContext(), phone, purpose, "ip:"+c.IP())
	if err != nil {
		return a.fail(c, NotSent(c.UserContext(), a.Codes, phone, purpose, err))
	}
	return c.Status(fiber.StatusAccepted).JSON(CodeSent{Sent: true, ExpiresIn: int(a.Codes.ValidFor() / time.Second),
		Message: SentText(a.Codes, phone)})
}
