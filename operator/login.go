package operator

import (
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"golang.org/x/crypto/bcrypt"

	"yuyue/booking"
)

// dummyHashes hold, by bcrypt cost, what an unknown account's password is
// compared with, so that it takes as long as a wrong password for a real one.
var dummyHashes sync.Map

func dummyHash() []byte {
	if h, ok := dummyHashes.Load(PasswordCost); ok {
		return h.([]byte)
	}
	h, _ := bcrypt.GenerateFromPassword([]byte("no such account, no such password"), PasswordCost)
	dummyHashes.Store(PasswordCost, h)
	return h
}

func (c *Console) loginPage(ctx *fiber.Ctx) error { return c.loginForm(ctx, "") }

// loginForm shows the login form (with a fresh form token) and a message.
func (c *Console) loginForm(ctx *fiber.Ctx, msg string) error {
	tok := randomToken()
	ctx.Cookie(c.cookie(loginCSRFCookie, tok, time.Hour))
	ctx.Locals("login_csrf", tok)
	ctx.Locals("error", msg)
	return c.render(ctx, "login", "登录", nil)
}

// login reserves the attempt under its throttling keys in the same
// transaction that checks them (so parallel guesses are all counted), then
// checks the password, against a dummy hash when the account is unknown.
func (c *Console) login(ctx *fiber.Ctx) error {
	if !sameToken(ctx.Cookies(loginCSRFCookie), ctx.FormValue("csrf")) {
		return fiber.ErrForbidden
	}
	name, pass, ip := strings.TrimSpace(ctx.FormValue("name")), ctx.FormValue("password"), ctx.IP()
	if utf8.RuneCountInString(name) > 64 {
		name = string([]rune(name)[:64])
	}
	attempt := randomToken()
	l, err := c.ops().BeginLogin(ctx.UserContext(), name, ip, attempt)
	if err != nil {
		return err
	}
	op, lookup, delay := l.Operator, l.Lookup, l.Delay
	if delay > 0 {
		ctx.Status(fiber.StatusTooManyRequests)
		return c.loginForm(ctx, fmt.Sprintf("尝试次数过多，请%s后再试", waitText(delay)))
	}
	hash := op.PasswordHash
	if lookup != nil {
		hash = dummyHash()
	}
	if bcrypt.CompareHashAndPassword(hash, []byte(pass)) != nil || lookup != nil || !op.Active {
		return c.loginFailed(ctx, name, ip, lookup)
	}
	return c.startSession(ctx, op, attempt, ip)
}

func (c *Console) loginFailed(ctx *fiber.Ctx, name, ip string, lookup error) error {
	if lookup != nil && booking.ErrorCode(lookup) != booking.ENotFound {
		return lookup
	}
	if err := c.ops().LoginFailed(ctx.UserContext(), name, ip); err != nil {
		return err
	}
	ctx.Status(fiber.StatusUnauthorized)
	return c.loginForm(ctx, "用户名或密码错误")
}

// startSession forgets the successful attempt and opens a session.
func (c *Console) startSession(ctx *fiber.Ctx, op booking.Operator, attempt, ip string) error {
	tok, now := randomToken(), c.Svc.Now()
	s := booking.OperatorSession{TokenHash: hashToken(tok), OperatorID: op.ID, CSRF: randomToken(), CreatedAt: now, ExpiresAt: now.Add(sessionTTL)}
	err := c.ops().StartSession(ctx.UserContext(), s, op.Name, attempt, ip)
	if err != nil {
		return err
	}
	ctx.Cookie(c.cookie(sessionCookie, tok, sessionTTL))
	return ctx.Redirect("/console/")
}

func waitText(d time.Duration) string {
	if d < time.Minute {
		return fmt.Sprintf("%d秒", int(d.Seconds())+1)
	}
	return fmt.Sprintf("%d分钟", int(d.Minutes())+1)
}
