package api

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"yuyue/booking"
	"yuyue/present"
)

// statuses maps booking's codes to HTTP, in one place.
var statuses = map[booking.Code]int{
	booking.EInvalid:      fiber.StatusBadRequest,
	booking.ENotFound:     fiber.StatusNotFound,
	booking.EFull:         fiber.StatusConflict,
	booking.EBlacklisted:  fiber.StatusForbidden,
	booking.EDeadline:     fiber.StatusConflict,
	booking.EActive:       fiber.StatusConflict,
	booking.EPhoneLinked:  fiber.StatusConflict,
	booking.ENotVerified:  fiber.StatusForbidden,
	booking.EConflict:     fiber.StatusConflict,
	booking.EForbidden:    fiber.StatusForbidden,
	booking.EExpired:      fiber.StatusGone,
	booking.ERateLimited:  fiber.StatusTooManyRequests,
	booking.EUnauthorized: fiber.StatusUnauthorized,
	booking.EInternal:     fiber.StatusInternalServerError,
}

// Error is the body of every error answer.
type Error struct {
	Code    booking.Code `json:"code"`
	Message string       `json:"message"`
	Until   string       `json:"until,omitempty"` // end of a ban or a login lock, RFC 3339
}

// fail answers err as JSON; only internal errors are logged, and their
// detail stays in the log.
func (a *API) fail(c *fiber.Ctx, err error) error {
	code := booking.ErrorCode(err)
	body := Error{Code: code, Message: present.Message(err)}
	if u := booking.ErrorUntil(err); !u.IsZero() {
		body.Until = u.Format("2006-01-02T15:04:05Z07:00")
	}
	if code == booking.EInternal {
		a.Log.Error("api request failed", "route", c.Route().Path, "err", err)
	}
	if code == booking.ERateLimited {
		c.Set(fiber.HeaderRetryAfter, retryAfter(booking.ErrorUntil(err), a.Accounts.Svc.Now()))
	}
	return c.Status(statuses[code]).JSON(body)
}

// retryAfter is whole seconds until u, or 60 when the refusal names no
// time.
func retryAfter(u, now time.Time) string {
	if u.IsZero() || !u.After(now) {
		return "60"
	}
	return strconv.Itoa(int(u.Sub(now).Seconds() + 0.999))
}
