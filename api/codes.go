package api

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"yuyue/present"
)

// CodeSent is the answer to a code request that sent one: how long it
// works, so the app can say it (the site says the same in words).
type CodeSent struct {
	Sent      bool   `json:"sent"`
	ExpiresIn int    `json:"expires_in"` // seconds (sms.code_ttl)
	Message   string `json:"message"`
}

// issue sends a code and answers 202 with CodeSent, or the honest refusal.
func (a *API) issue(c *fiber.Ctx, phone, purpose string, anonymous bool) error {
	issue := a.Codes.Issue
	if anonymous { // no session: the anonymous budgets, not the number's own quota
		issue = a.Codes.IssueAnonymous
	}
	err := issue(c.UserContext(), phone, purpose, "ip:"+c.IP())
	if err != nil {
		return a.fail(c, present.NotSent(c.UserContext(), a.Codes, phone, purpose, err))
	}
	return c.Status(fiber.StatusAccepted).JSON(CodeSent{Sent: true, ExpiresIn: int(a.Codes.ValidFor() / time.Second),
		Message: present.SentText(a.Codes, phone)})
}
