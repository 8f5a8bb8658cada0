package operator

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"golang.org/x/crypto/bcrypt"

	"yuyue/booking"
)

const (
	sessionCookie    = "yuyue_session"
	loginCSRFCookie  = "yuyue_login_csrf"
	sessionTTL       = 8 * time.Hour
	maxLoginFailures = 5
	failureWindow    = 15 * time.Minute
)

// PasswordCost is the bcrypt cost of new passwords; tests lower it.
var PasswordCost = bcrypt.DefaultCost

// roles of accounts, for `yuyue operator add`.
var roles = map[string]bool{booking.RoleOperator: true, booking.RoleClerk: true, booking.RoleAdmin: true}

// AddOperator creates a console account with a bcrypt password hash.
func AddOperator(svc *booking.Service, name, role, office, password string) (booking.Operator, error) {
	if err := ValidateName(name); err != nil {
		return booking.Operator{}, err
	}
	switch {
	case !roles[role]:
		return booking.Operator{}, booking.Errorf(booking.EInvalid, "role must be operator, clerk or admin")
	case role == booking.RoleClerk && office == "":
		return booking.Operator{}, booking.Errorf(booking.EInvalid, "a clerk needs --office")
	}
	if _, ok := svc.Catalog.Office(office); office != "" && !ok {
		return booking.Operator{}, booking.Errorf(booking.EInvalid, "no office %q in the catalog", office)
	}
	o := booking.Operator{Name: name, Role: role, Office: office, Active: true, CreatedAt: svc.Now()}
	if err := SetPassword(&o, password); err != nil {
		return booking.Operator{}, err
	}
	err := svc.Store.InTx(context.Background(), func(tx booking.Tx) error { return tx.InsertOperator(&o) })
	return o, err
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

func (c *Console) cookie(name, value string, ttl time.Duration) *fiber.Cookie {
	return &fiber.Cookie{Name: name, Value: value, Path: "/console", HTTPOnly: true, SameSite: "Strict",
		Secure: c.Secure, Expires: c.Svc.Now().Add(ttl)}
}

func (c *Console) loginPage(ctx *fiber.Ctx) error { return c.loginError(ctx, "") }

// loginError shows the login form (with a fresh form token) and a message.
func (c *Console) loginError(ctx *fiber.Ctx, msg string) error {
	tok := randomToken()
	ctx.Cookie(c.cookie(loginCSRFCookie, tok, time.Hour))
	ctx.Locals("login_csrf", tok)
	ctx.Locals("error", msg)
	return c.render(ctx, "login", "登录", nil)
}

// login checks the password, rate-limited per account and per address.
func (c *Console) login(ctx *fiber.Ctx) error {
	if !sameToken(ctx.Cookies(loginCSRFCookie), ctx.FormValue("csrf")) {
		return fiber.NewError(fiber.StatusForbidden, "invalid form token")
	}
	name, pass := strings.TrimSpace(ctx.FormValue("name")), ctx.FormValue("password")
	keys := []string{"name:" + name, "ip:" + ctx.IP()}
	now := c.Svc.Now()
	var op booking.Operator
	var failures int
	err := c.Svc.Store.View(ctx.UserContext(), func(tx booking.Tx) (err error) {
		if failures, err = tx.LoginFailures(keys, now.Add(-failureWindow)); err != nil {
			return err
		}
		op, err = tx.OperatorByName(name)
		return err
	})
	if failures >= maxLoginFailures {
		ctx.Status(fiber.StatusTooManyRequests)
		return c.loginError(ctx, "登录失败次数过多，请15分钟后再试")
	}
	if err != nil && booking.ErrorCode(err) != booking.ENotFound {
		return err
	}
	if err != nil || !op.Active || bcrypt.CompareHashAndPassword(op.PasswordHash, []byte(pass)) != nil {
		if err := c.Svc.Store.InTx(ctx.UserContext(), func(tx booking.Tx) error { return tx.RecordLoginFailure(keys, now) }); err != nil {
			return err
		}
		return ctx.Redirect("/console/login?error=" + escape("用户名或密码错误"))
	}
	tok := randomToken()
	s := booking.OperatorSession{TokenHash: hashToken(tok), OperatorID: op.ID, CSRF: randomToken(), CreatedAt: now, ExpiresAt: now.Add(sessionTTL)}
	if err := c.Svc.Store.InTx(ctx.UserContext(), func(tx booking.Tx) error { return tx.InsertOperatorSession(s) }); err != nil {
		return err
	}
	ctx.Cookie(c.cookie(sessionCookie, tok, sessionTTL))
	return ctx.Redirect("/console/")
}

func (c *Console) logout(ctx *fiber.Ctx) error {
	err := c.Svc.Store.InTx(ctx.UserContext(), func(tx booking.Tx) error {
		return tx.DeleteOperatorSession(hashToken(ctx.Cookies(sessionCookie)))
	})
	ctx.Cookie(c.cookie(sessionCookie, "", -time.Hour))
	if err != nil {
		return err
	}
	return ctx.Redirect("/console/login")
}

// authenticate loads the session's operator or sends the browser to login.
func (c *Console) authenticate(ctx *fiber.Ctx) error {
	tok := ctx.Cookies(sessionCookie)
	var s booking.OperatorSession
	var op booking.Operator
	err := c.Svc.Store.View(ctx.UserContext(), func(tx booking.Tx) (err error) {
		if s, err = tx.OperatorSession(hashToken(tok), c.Svc.Now()); err != nil {
			return err
		}
		op, err = tx.OperatorByID(s.OperatorID)
		return err
	})
	if tok == "" || booking.ErrorCode(err) == booking.ENotFound || (err == nil && !op.Active) {
		if ctx.Method() == fiber.MethodGet {
			return ctx.Redirect("/console/login")
		}
		return fiber.NewError(fiber.StatusUnauthorized, "please log in")
	}
	if err != nil {
		return err
	}
	ctx.Locals("op", op)
	ctx.Locals("csrf", s.CSRF)
	return ctx.Next()
}

// checkCSRF refuses any POST whose form token is not the session's.
func (c *Console) checkCSRF(ctx *fiber.Ctx) error {
	if ctx.Method() == fiber.MethodPost && !sameToken(ctx.Locals("csrf").(string), ctx.FormValue("csrf")) {
		return fiber.NewError(fiber.StatusForbidden, "invalid form token")
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
		return fiber.NewError(fiber.StatusForbidden, "not allowed for role "+role)
	}
}
