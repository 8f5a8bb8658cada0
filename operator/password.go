package operator

import (
	"github.com/gofiber/fiber/v2"
	"golang.org/x/crypto/bcrypt"
)

func (c *Console) passwordPage(ctx *fiber.Ctx) error {
	return c.render(ctx, "password", "修改密码", c.op(ctx).MustChangePassword)
}

// changePassword lets a user pick their own password (required after an
// administrator set one). Other sessions of the account end.
func (c *Console) changePassword(ctx *fiber.Ctx) error {
	const path = "/console/password"
	op, old, pw := c.op(ctx), ctx.FormValue("old"), ctx.FormValue("password")
	if bcrypt.CompareHashAndPassword(op.PasswordHash, []byte(old)) != nil {
		return fail(ctx, path, "原密码不正确")
	}
	if p := passwordProblem(pw); p != "" {
		return fail(ctx, path, p)
	}
	if pw != ctx.FormValue("again") {
		return fail(ctx, path, "两次输入的新密码不一致")
	}
	if pw == old {
		return fail(ctx, path, "新密码不能与原密码相同")
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(pw), PasswordCost)
	if err != nil {
		return err
	}
	tok := hashToken(ctx.Cookies(sessionCookie))
	err = c.ops().ChangePassword(ctx.UserContext(), op, hash, tok)
	if err != nil {
		return err
	}
	return back(ctx, "/console/", "密码已修改", nil)
}
