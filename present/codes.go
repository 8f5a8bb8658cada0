package present

import (
	"context"
	"errors"
	"fmt"
	"time"

	"yuyue/booking"
)

// CodeIssuer sends SMS verification codes (sms.Codes): Issue for a
// signed-in citizen, IssueAnonymous, within its own budgets, for a request
// without a session.
type CodeIssuer interface {
	Issue(ctx context.Context, phone, purpose, caller string) error
	IssueAnonymous(ctx context.Context, phone, purpose, addr string) error
	// Pending reports whether the latest code for phone and purpose still
	// works (a refusal to resend then says to use it).
	Pending(ctx context.Context, phone, purpose string) (bool, error)
	// ValidFor is how long a code works (sms.code_ttl).
	ValidFor() time.Duration
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
