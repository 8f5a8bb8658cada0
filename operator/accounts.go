package operator

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"golang.org/x/crypto/bcrypt"

	"yuyue/booking"
)

// accounts lists the console accounts for an administrator.
func (c *Console) accounts(ctx *fiber.Ctx) error {
	ops, err := c.ops().List(ctx.UserContext())
	if err != nil {
		return err
	}
	return c.render(ctx, "operators", "账户管理", struct {
		Operators []booking.Operator
		Offices   []booking.Office
		Roles     []string
	}{ops, c.Svc.Catalog.Offices, []string{booking.RoleOperator, booking.RoleClerk, booking.RoleManager, booking.RoleAdmin}})
}

func passwordProblem(pw string) string {
	if utf8.RuneCountInString(pw) < booking.MinOperatorPassword {
		return "密码至少需要" + strconv.Itoa(booking.MinOperatorPassword) + "个字符"
	}
	if booking.WeakPassword(pw) != "" {
		return "密码过于常见或简单（重复、连续的字符），请换一个不易猜到的密码"
	}
	return ""
}

// addAccount creates an account whose password must be changed at the
// first login: the administrator knows it.
func (c *Console) addAccount(ctx *fiber.Ctx) error {
	const path = "/console/operators"
	name, role, office, pw := strings.TrimSpace(ctx.FormValue("name")), ctx.FormValue("role"), ctx.FormValue("office"), ctx.FormValue("password")
	if p := passwordProblem(pw); p != "" {
		return fail(ctx, path, p)
	}
	if !officeScoped(role) {
		office = ""
	}
	o, err := AddOperator(c.Svc, name, role, office, pw)
	if booking.ErrorCode(err) == booking.EConflict {
		return fail(ctx, path, "用户名已存在")
	}
	if err != nil {
		return back(ctx, path, "", err)
	}
	err = c.changeAccount(ctx, o.ID, "operator.add", func(o *booking.Operator) { o.MustChangePassword = true })
	return back(ctx, path, "已新增账户 "+o.Name+"，首次登录须修改密码", err)
}

// changeAccount applies change to an account, ends its sessions and audits.
func (c *Console) changeAccount(ctx *fiber.Ctx, id int64, action string, change func(*booking.Operator)) error {
	return c.ops().Change(ctx.UserContext(), c.op(ctx).Name, id, action, change, func(o booking.Operator) string {
		return "账户 " + o.Name + "（" + c.roleText(o) + "）"
	})
}

func accountID(ctx *fiber.Ctx) int64 {
	id, _ := strconv.ParseInt(ctx.Params("id"), 10, 64)
	return id
}

// setActive disables or enables an account; a disabled account's sessions
// end at once. Administrators cannot disable themselves.
func (c *Console) setActive(ctx *fiber.Ctx) error {
	id, on := accountID(ctx), ctx.FormValue("active") == "1"
	if id == c.op(ctx).ID && !on {
		return fail(ctx, "/console/operators", "不能停用自己的账户")
	}
	action, msg := "operator.disable", "已停用账户，其登录已结束"
	if on {
		action, msg = "operator.enable", "已启用账户"
	}
	err := c.changeAccount(ctx, id, action, func(o *booking.Operator) { o.Active = on })
	return back(ctx, "/console/operators", msg, err)
}

// resetPassword sets a temporary password the user must change at next login.
func (c *Console) resetPassword(ctx *fiber.Ctx) error {
	pw := ctx.FormValue("password")
	if p := passwordProblem(pw); p != "" {
		return fail(ctx, "/console/operators", p)
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(pw), PasswordCost)
	if err != nil {
		return err
	}
	err = c.changeAccount(ctx, accountID(ctx), "operator.reset", func(o *booking.Operator) {
		o.PasswordHash, o.MustChangePassword = hash, true
	})
	return back(ctx, "/console/operators", "已重置密码，该用户下次登录须修改密码", err)
}

// setRole changes an account's role and office.
func (c *Console) setRole(ctx *fiber.Ctx) error {
	role, office := ctx.FormValue("role"), ctx.FormValue("office")
	_, known := c.Svc.Catalog.Office(office)
	switch {
	case !booking.IsOperatorRole(role):
		return fail(ctx, "/console/operators", "请选择角色")
	case officeScoped(role) && !known:
		return fail(ctx, "/console/operators", "受理员和受理点负责人须选择受理点")
	case !officeScoped(role):
		office = ""
	}
	if accountID(ctx) == c.op(ctx).ID && role != booking.RoleAdmin {
		return fail(ctx, "/console/operators", "不能取消自己的管理员角色")
	}
	err := c.changeAccount(ctx, accountID(ctx), "operator.role", func(o *booking.Operator) { o.Role, o.Office = role, office })
	return back(ctx, "/console/operators", "已修改角色", err)
}
