package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/gofiber/fiber/v2"

	"yuyue/booking"
)

var errTooMany = booking.Errorf(booking.ERateLimited, "too_many_requests")

// guard limits every request per client address and refuses bodies over the
// size limit before any handler reads them.
func (a *API) guard(c *fiber.Ctx) error {
	c.Set("Cache-Control", "no-store")
	if !a.byIP.Allow("ip:" + c.IP()) {
		return a.fail(c, errTooMany)
	}
	if len(c.Body()) > a.maxBody {
		return a.fail(c, booking.Errorf(booking.EInvalid, "body_too_large"))
	}
	return c.Next()
}

// authenticate finds the bearer token's citizen and limits them per account.
func (a *API) authenticate(c *fiber.Ctx) error {
	h := c.Get(fiber.HeaderAuthorization)
	tok, ok := strings.CutPrefix(h, "Bearer ")
	if !ok {
		return a.fail(c, booking.Errorf(booking.EUnauthorized, "no_token"))
	}
	cz, t, err := a.Accounts.Authenticate(c.UserContext(), strings.TrimSpace(tok))
	if err != nil {
		return a.fail(c, err)
	}
	if !a.byAccount.Allow(fmt.Sprint("citizen:", cz.ID)) {
		return a.fail(c, errTooMany)
	}
	c.Locals("citizen", cz)
	c.Locals("token", t)
	return c.Next()
}

func citizen(c *fiber.Ctx) booking.Citizen { return c.Locals("citizen").(booking.Citizen) }

func token(c *fiber.Ctx) booking.CitizenToken { return c.Locals("token").(booking.CitizenToken) }

func (a *API) actor(c *fiber.Ctx) booking.Actor {
	return booking.Actor{Name: booking.MaskPhone(citizen(c).Phone), Channel: booking.ChannelApp}
}

// bind decodes a JSON body into v: exactly one JSON object of the right
// types with no unknown fields. Every failure is EInvalid with the reason.
func bind(c *fiber.Ctx, v any) error {
	if !strings.HasPrefix(c.Get(fiber.HeaderContentType), fiber.MIMEApplicationJSON) {
		return booking.Errorf(booking.EInvalid, "content type must be application/json")
	}
	dec := json.NewDecoder(bytes.NewReader(c.Body()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return booking.Errorf(booking.EInvalid, "malformed json: %s", jsonReason(err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return booking.Errorf(booking.EInvalid, "malformed json: data after the object")
	}
	return nil
}

func jsonReason(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("field %q must be %s", te.Field, te.Type)
	}
	return err.Error()
}

// idParam reads the {id} path parameter.
func idParam(c *fiber.Ctx) (int64, error) {
	id, err := c.ParamsInt("id")
	if err != nil || id <= 0 {
		return 0, booking.Errorf(booking.EInvalid, "id must be a positive integer")
	}
	return int64(id), nil
}
