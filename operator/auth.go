package operator

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"time"

	"github.com/gofiber/fiber/v2"
	"golang.org/x/crypto/bcrypt"

	"yuyue/booking"
)

const (
	sessionCookie   = "yuyue_session"
	loginCSRFCookie = "yuyue_login_csrf"
	sessionTTL      = 8 * time.Hour
	// touchEvery limits session writes: last use is recorded at most this often.
	touchEvery = time.Minute
)

// PasswordCost is the bcrypt cost of new passwords; tests lower it.
var PasswordCost = bcrypt.DefaultCost

// AddOperator creates a console account with a bcrypt password hash; the
// rules of a new account are booking.Operators.CheckNew's.
func AddOperator(svc *booking.Service, name, role, office, password string) (booking.Operator, error) {
	ops := booking.Operators{Svc: svc}
	o := booking.Operator{Name: name, Role: role, Office: office, Active: true, CreatedAt: svc.Now()}
	if err := ops.CheckNew(o); err != nil {
		return booking.Operator{}, err
	}
	if err := SetPassword(&o, password); err != nil {
		return booking.Operator{}, err
	}
	err := ops.Add(context.Background(), &o)
	return o, err
}

// officeScoped reports whether a role works for one office (booking.OfficeScoped).
func officeScoped(role string) bool { return booking.OfficeScoped(role) }

// SetPassword validates password (booking.ValidateOperatorPassword) and
// stores its bcrypt hash on o. The caller decides MustChangePassword and
// writes o.
func SetPassword(o *booking.Operator, password string) error {
	if err := booking.ValidateOperatorPassword(password); err != nil {
		return err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), PasswordCost)
	if err != nil {
		return err
	}
	o.PasswordHash = hash
	return nil
}

func randomToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

func hashToken(tok string) []byte {
	h := sha256.Sum256([]byte(tok))
	return h[:]
}

// cookie lives ttl from when the browser gets it (Max-Age), not until an
// instant of the service's clock: a browser whose clock differs from the
// server's (or a test's clock) must not drop a fresh cookie as expired.
// A ttl of zero or less deletes it.
func (c *Console) cookie(name, value string, ttl time.Duration) *fiber.Cookie {
	ck := &fiber.Cookie{Name: name, Value: value, Path: "/console", HTTPOnly: true, SameSite: "Strict", Secure: c.Secure}
	if secs := int(ttl / time.Second); secs > 0 {
		ck.MaxAge = secs
	} else {
		ck.Expires = time.Unix(1, 0) // long past: the browser deletes it
	}
	return ck
}

func (c *Console) logout(ctx *fiber.Ctx) error {
	err := c.ops().Logout(ctx.UserContext(), hashToken(ctx.Cookies(sessionCookie)), c.op(ctx).Name, ctx.IP())
	ctx.Cookie(c.cookie(sessionCookie, "", -time.Hour))
	if err != nil {
		return err
	}
	return ctx.Redirect("/console/login")
}

// authenticate loads the session's operator, ends sessions idle for longer
// than IdleTimeout, and sends the browser to login when there is none. It
// writes the session's state back after the handler.
func (c *Console) authenticate(ctx *fiber.Ctx) error {
	tok, now := ctx.Cookies(sessionCookie), c.Svc.Now()
	s, cs, op, err := c.ops().Session(ctx.UserContext(), hashToken(tok))
	if err != nil && booking.ErrorCode(err) != booking.ENotFound {
		return err
	}
	lastUse := cs.SeenAt
	if lastUse.IsZero() {
		lastUse = s.CreatedAt
	}
	if tok == "" || err != nil || !op.Active || now.Sub(lastUse) > c.IdleTimeout {
		return c.toLogin(ctx, tok)
	}
	st := parseState(cs.Data)
	ctx.Locals("op", op)
	ctx.Locals("csrf", s.CSRF)
	ctx.Locals("state", st)
	if op.MustChangePassword && ctx.Path() != "/console/password" && ctx.Path() != "/console/logout" {
		return ctx.Redirect("/console/password")
	}
	err = ctx.Next()
	if st.dirty || now.Sub(lastUse) >= touchEvery {
		cs.SeenAt = now
		if serr := c.saveState(ctx, cs, st); serr != nil && err == nil {
			err = serr
		}
	}
	return err
}

// toLogin ends what is left of a dead session and sends the browser to
// the login page (a POST gets 401: its form is lost anyway).
func (c *Console) toLogin(ctx *fiber.Ctx, tok string) error {
	if tok != "" {
		ctx.Cookie(c.cookie(sessionCookie, "", -time.Hour))
		if err := c.ops().EndSession(ctx.UserContext(), hashToken(tok)); err != nil {
			return err
		}
	}
	if ctx.Method() == fiber.MethodGet {
		return ctx.Redirect("/console/login")
	}
	return fiber.ErrUnauthorized
}

// checkCSRF refuses any POST whose form token is not the session's.
func (c *Console) checkCSRF(ctx *fiber.Ctx) error {
	if ctx.Method() == fiber.MethodPost && !sameToken(ctx.Locals("csrf").(string), ctx.FormValue("csrf")) {
		return fiber.ErrForbidden
	}
	return ctx.Next()
}

func sameToken(a, b string) bool {
	return a != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// roles lets only the listed roles through.
func (c *Console) roles(allowed ...string) fiber.Handler {
	return func(ctx *fiber.Ctx) error {
		role := c.op(ctx).Role
		for _, r := range allowed {
			if r == role {
				return ctx.Next()
			}
		}
		return fiber.ErrForbidden
	}
}
