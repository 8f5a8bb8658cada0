package api

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"yuyue/booking"
)

// Session is the answer to register and login.
type Session struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
	Citizen   Me        `json:"citizen"`
}

// Me is the logged-in citizen, masked.
type Me struct {
	Name     string `json:"name"`
	IDMasked string `json:"id_masked"`
	Phone    string `json:"phone_masked"`
}

func meOf(c booking.Citizen) Me {
	return Me{Name: booking.MaskName(c.Name), IDMasked: c.IDMasked, Phone: booking.MaskPhone(c.Phone)}
}

// sendCode sends a code for registering or resetting a password. The answer
// is the same whether or not the phone is registered.
func (a *API) sendCode(c *fiber.Ctx) error {
	var in struct {
		Purpose string `json:"purpose"`
		Phone   string `json:"phone"`
	}
	if err := bind(c, &in); err != nil {
		return a.fail(c, err)
	}
	if in.Purpose != booking.PurposeRegister && in.Purpose != booking.PurposePassword {
		return a.fail(c, booking.Errorf(booking.EInvalid, "purpose must be register or password"))
	}
	phone, err := booking.NormalizeMobile(in.Phone)
	if err != nil {
		return a.fail(c, err)
	}
	return a.issue(c, phone, in.Purpose, true)
}

func (a *API) register(c *fiber.Ctx) error {
	var in struct {
		Name     string `json:"name"`
		IDNumber string `json:"id_number"`
		Phone    string `json:"phone"`
		Password string `json:"password"`
		Code     string `json:"code"`
	}
	if err := bind(c, &in); err != nil {
		return a.fail(c, err)
	}
	r := booking.Registration{Name: in.Name, IDNumber: in.IDNumber, Phone: in.Phone}
	actor := booking.Actor{Name: "register", Channel: booking.ChannelApp}
	if _, err := a.Accounts.Register(c.UserContext(), actor, r, in.Password, in.Code); err != nil {
		return a.fail(c, err)
	}
	return a.startSession(c.Status(fiber.StatusCreated), in.IDNumber, in.Password)
}

func (a *API) login(c *fiber.Ctx) error {
	var in struct {
		Login    string `json:"login"`
		Password string `json:"password"`
	}
	if err := bind(c, &in); err != nil {
		return a.fail(c, err)
	}
	if !a.byAccount.Allow("login:" + booking.LoginKey(in.Login, a.Accounts.Svc.Now())) {
		return a.fail(c, errTooMany)
	}
	return a.startSession(c, in.Login, in.Password)
}

func (a *API) startSession(c *fiber.Ctx, login, password string) error {
	tok, t, err := a.Accounts.Login(c.UserContext(), login, password, booking.ChannelApp)
	if err != nil {
		return a.fail(c, err)
	}
	cz, err := a.Accounts.Svc.Citizen(c.UserContext(), t.CitizenID)
	if err != nil {
		return a.fail(c, err)
	}
	return c.JSON(Session{Token: tok, ExpiresAt: t.ExpiresAt, Citizen: meOf(cz)})
}

func (a *API) logout(c *fiber.Ctx) error {
	if err := a.Accounts.Logout(c.UserContext(), token(c).TokenHash); err != nil {
		return a.fail(c, err)
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (a *API) me(c *fiber.Ctx) error { return c.JSON(meOf(citizen(c))) }

func (a *API) changePassword(c *fiber.Ctx) error {
	var in struct {
		Old string `json:"old_password"`
		New string `json:"new_password"`
	}
	if err := bind(c, &in); err != nil {
		return a.fail(c, err)
	}
	if err := a.Accounts.ChangePassword(c.UserContext(), a.actor(c), citizen(c), token(c).TokenHash, in.Old, in.New); err != nil {
		return a.fail(c, err)
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (a *API) resetPassword(c *fiber.Ctx) error {
	var in struct {
		IDNumber string `json:"id_number"`
		Phone    string `json:"phone"`
		Code     string `json:"code"`
		New      string `json:"new_password"`
	}
	if err := bind(c, &in); err != nil {
		return a.fail(c, err)
	}
	actor := booking.Actor{Name: "password reset", Channel: booking.ChannelApp}
	if err := a.Accounts.ResetPassword(c.UserContext(), actor, in.IDNumber, in.Phone, in.Code, in.New); err != nil {
		return a.fail(c, err)
	}
	return c.SendStatus(fiber.StatusNoContent)
}
