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

// Login throttling. Failures are counted per account from one address, per
// address, and per account from everywhere. Past a key's free attempts each
// further attempt waits an exponentially growing delay after the last
// failure. The account-wide limit only slows addresses that have already
// failed on that account, so a flood of guesses from one place (or an
// office NAT) never locks the right password out from another address.
const (
	failureWindow = time.Hour
	backoffBase   = 30 * time.Second
	backoffMax    = 15 * time.Minute
	freePerPair   = 5  // an account from one address
	freePerAddr   = 20 // one address, all accounts (an office NAT)
	freePerAcct   = 50 // an account from everywhere
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

// throttleKeys are the counters one attempt is recorded under.
func throttleKeys(name, ip string) (pair, addr, acct string) {
	return "pair:" + name + "@" + ip, "ip:" + ip, "name:" + name
}

// backoff is how long after its last failure a key is refused.
func backoff(n, free int) time.Duration {
	if n < free {
		return 0
	}
	return min(backoffBase<<min(n-free, 10), backoffMax)
}

// wait is how long an attempt must wait given the counts, 0 if it may go.
func wait(counts map[string]booking.LoginCounts, pair, addr, acct string, now time.Time) time.Duration {
	var w time.Duration
	until := func(k string, free int) {
		if c := counts[k]; c.N > 0 {
			w = max(w, c.Last.Add(backoff(c.N, free)).Sub(now))
		}
	}
	until(pair, freePerPair)
	until(addr, freePerAddr)
	if counts[pair].N > 0 {
		until(acct, freePerAcct)
	}
	return w
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
	pair, addr, acct := throttleKeys(name, ip)
	attempt, now := randomToken(), c.Svc.Now()
	var delay time.Duration
	var op booking.Operator
	var lookup error
	err := c.Svc.Store.InTx(ctx.UserContext(), func(tx booking.Tx) error {
		counts, err := tx.LoginCounts([]string{pair, addr, acct}, now.Add(-failureWindow))
		if err != nil {
			return err
		}
		if delay = wait(counts, pair, addr, acct, now); delay > 0 {
			return c.auditLogin(tx, name, "login.throttled", ip)
		}
		op, lookup = tx.OperatorByName(name)
		return tx.ReserveLoginAttempt([]string{pair, addr, acct}, attempt, now)
	})
	if err != nil {
		return err
	}
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
	if err := c.Svc.Store.InTx(ctx.UserContext(), func(tx booking.Tx) error {
		return c.auditLogin(tx, name, "login.failed", ip)
	}); err != nil {
		return err
	}
	ctx.Status(fiber.StatusUnauthorized)
	return c.loginForm(ctx, "用户名或密码错误")
}

// startSession forgets the successful attempt and opens a session.
func (c *Console) startSession(ctx *fiber.Ctx, op booking.Operator, attempt, ip string) error {
	tok, now := randomToken(), c.Svc.Now()
	s := booking.OperatorSession{TokenHash: hashToken(tok), OperatorID: op.ID, CSRF: randomToken(), CreatedAt: now, ExpiresAt: now.Add(sessionTTL)}
	err := c.Svc.Store.InTx(ctx.UserContext(), func(tx booking.Tx) error {
		if err := tx.ClearLoginAttempt(attempt); err != nil {
			return err
		}
		if err := tx.InsertOperatorSession(s); err != nil {
			return err
		}
		return c.auditLogin(tx, op.Name, "login.ok", ip)
	})
	if err != nil {
		return err
	}
	ctx.Cookie(c.cookie(sessionCookie, tok, sessionTTL))
	return ctx.Redirect("/console/")
}

// auditLogin records a login event. An unknown name is not stored: it may
// be a password typed into the wrong field.
func (c *Console) auditLogin(tx booking.Tx, name, action, ip string) error {
	if _, err := tx.OperatorByName(name); err != nil {
		name = "未知账户"
	}
	return tx.Audit(booking.AuditEntry{At: c.Svc.Now(), Actor: booking.CleanText(name), Channel: booking.ChannelOperator,
		Action: action, Detail: "地址 " + ip})
}

func waitText(d time.Duration) string {
	if d < time.Minute {
		return fmt.Sprintf("%d秒", int(d.Seconds())+1)
	}
	return fmt.Sprintf("%d分钟", int(d.Minutes())+1)
}
