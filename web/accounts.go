package web

import (
	"github.com/gofiber/fiber/v2"

	"yuyue/booking"
	"yuyue/present"
)

// form keeps what the citizen typed (never passwords) to show it again.
type form map[string]string

func formOf(c *fiber.Ctx, keys ...string) form {
	f := form{}
	for _, k := range keys {
		f[k] = c.FormValue(k)
	}
	return f
}

func (s *Site) home(c *fiber.Ctx) error {
	return s.render(c, "home", "深圳市公安局户政业务预约平台", nil)
}

func (s *Site) registerPage(c *fiber.Ctx) error {
	f, _ := c.Locals("form").(form)
	return s.render(c, "register", "注册", f)
}

// register either sends the code to the phone (action=code) or registers
// with it; the same form carries both, so it works without JavaScript.
func (s *Site) register(c *fiber.Ctx) error {
	f := formOf(c, "name", "id_number", "phone", "code")
	c.Locals("form", f)
	if c.FormValue("action") == "code" {
		if err := s.sendCode(c, f["phone"], booking.PurposeRegister); err != nil {
			return s.fail(c, err, s.registerPage)
		}
		return s.registerPage(c)
	}
	if c.FormValue("password") != c.FormValue("password2") {
		return s.fail(c, booking.Errorf(booking.EInvalid, "passwords_differ"), s.registerPage)
	}
	r := booking.Registration{Name: f["name"], IDNumber: f["id_number"], Phone: f["phone"]}
	a := booking.Actor{Name: "register", Channel: booking.ChannelWeb}
	if _, err := s.Accounts.Register(c.UserContext(), a, r, c.FormValue("password"), f["code"]); err != nil {
		return s.fail(c, err, s.registerPage)
	}
	return s.startSession(c, f["id_number"], c.FormValue("password"), "/book", "注册成功")
}

// sendCode sends a code and sets the flash that says so and for how long
// it works; a refusal says no code was sent (and to use the last one when
// it still works).
func (s *Site) sendCode(c *fiber.Ctx, raw, purpose string) error {
	phone, err := booking.NormalizeMobile(raw)
	if err != nil {
		return err
	}
	if err := s.Codes.IssueAnonymous(c.UserContext(), phone, purpose, "ip:"+c.IP()); err != nil {
		return present.NotSent(c.UserContext(), s.Codes, phone, purpose, err)
	}
	c.Locals("flash", present.SentText(s.Codes, phone))
	return nil
}

func (s *Site) loginPage(c *fiber.Ctx) error {
	return s.render(c, "login", "登录", form{"next": c.Query("next", c.FormValue("next")), "login": c.FormValue("login")})
}

func (s *Site) login(c *fiber.Ctx) error {
	if !s.byAccount.Allow("login:" + booking.LoginKey(c.FormValue("login"), s.Accounts.Svc.Now())) {
		return s.fail(c, booking.Errorf(booking.ERateLimited, "too_many_requests"), s.loginPage)
	}
	return s.startSession(c, c.FormValue("login"), c.FormValue("password"), safeNext(c.FormValue("next")), "")
}

func (s *Site) startSession(c *fiber.Ctx, login, password, next, flash string) error {
	tok, t, err := s.Accounts.Login(c.UserContext(), login, password, booking.ChannelWeb)
	if err != nil {
		return s.fail(c, err, s.loginPage)
	}
	c.Cookie(s.cookie(sessionCookie, tok, t.ExpiresAt))
	return s.back(c, next, flash)
}

func (s *Site) logout(c *fiber.Ctx) error {
	if err := s.Accounts.Logout(c.UserContext(), booking.HashToken(c.Cookies(sessionCookie))); err != nil {
		return err
	}
	c.Cookie(s.cookie(sessionCookie, "", c.Context().Time().Add(-1)))
	return s.back(c, "/", "已退出登录")
}

func (s *Site) forgotPage(c *fiber.Ctx) error {
	f, _ := c.Locals("form").(form)
	return s.render(c, "forgot", "找回密码", f)
}

// forgot resets the password with a code sent to the registered phone; a
// citizen registered on the phone line sets their first password this way.
func (s *Site) forgot(c *fiber.Ctx) error {
	f := formOf(c, "id_number", "phone", "code")
	c.Locals("form", f)
	if c.FormValue("action") == "code" {
		if err := s.sendCode(c, f["phone"], booking.PurposePassword); err != nil {
			return s.fail(c, err, s.forgotPage)
		}
		return s.forgotPage(c)
	}
	a := booking.Actor{Name: "password reset", Channel: booking.ChannelWeb}
	if err := s.Accounts.ResetPassword(c.UserContext(), a, f["id_number"], f["phone"], f["code"], c.FormValue("password")); err != nil {
		return s.fail(c, err, s.forgotPage)
	}
	return s.back(c, "/login", "密码已重设，请用新密码登录")
}

func (s *Site) mePage(c *fiber.Ctx) error { return s.render(c, "me", "个人中心", nil) }

func (s *Site) passwordPage(c *fiber.Ctx) error { return s.render(c, "password", "修改密码", nil) }

func (s *Site) changePassword(c *fiber.Ctx) error {
	if c.FormValue("password") != c.FormValue("password2") {
		return s.fail(c, booking.Errorf(booking.EInvalid, "passwords_differ"), s.passwordPage)
	}
	keep := booking.HashToken(c.Cookies(sessionCookie))
	if err := s.Accounts.ChangePassword(c.UserContext(), actor(c), citizen(c), keep, c.FormValue("old"), c.FormValue("password")); err != nil {
		return s.fail(c, err, s.passwordPage)
	}
	return s.back(c, "/me", "密码已修改")
}
