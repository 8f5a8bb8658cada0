package operator_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"yuyue/booking"
)

func account(t *testing.T, e *env, name string) booking.Operator {
	t.Helper()
	var o booking.Operator
	if err := e.View(ctx, func(tx booking.Tx) (err error) { o, err = tx.OperatorByName(name); return err }); err != nil {
		t.Fatal(err)
	}
	return o
}

func TestAccountsManagedInTheConsole(t *testing.T) {
	e := newEnv(t)
	admin := e.browser(t).login("admin1")
	_, body := admin.get("/console/operators")
	for _, want := range []string{"话务员", "受理员·福田派出所户政室", "管理员"} {
		if !strings.Contains(body, want) {
			t.Fatalf("accounts page lacks %q", want)
		}
	}
	if _, _, msg := admin.submit("/console/operators", url.Values{"name": {"op2"}, "role": {"operator"}, "password": {"short"}}); !strings.Contains(msg, "12") {
		t.Fatalf("short password: %q", msg)
	}
	if _, _, msg := admin.submit("/console/operators", url.Values{"name": {"op2"}, "role": {"operator"}, "password": {"temporary-pass-1"}}); !strings.Contains(msg, "已新增") {
		t.Fatalf("add: %q", msg)
	}
	// the new user must pick their own password first
	op2 := e.browser(t)
	op2.get("/console/login")
	if _, loc := op2.post("/console/login", url.Values{"name": {"op2"}, "password": {"temporary-pass-1"}}); loc != "/console/" {
		t.Fatalf("op2 login: %s", loc)
	}
	if _, _, loc := op2.do("GET", "/console/citizens", nil); loc != "/console/password" {
		t.Fatalf("before changing the password: %s", loc)
	}
	op2.get("/console/password")
	if _, _, msg := op2.submit("/console/password", url.Values{"old": {"temporary-pass-1"}, "password": {"my-own-password"}, "again": {"my-own-password"}}); msg != "密码已修改" {
		t.Fatalf("change: %q", msg)
	}
	if code, _, _ := op2.do("GET", "/console/citizens", nil); code != 200 {
		t.Fatalf("after changing: %d", code)
	}
	// role and office
	o := account(t, e, "op2")
	admin.submit(fmt.Sprintf("/console/operators/%d/role", o.ID), url.Values{"role": {"clerk"}, "office": {"NS01"}})
	if o = account(t, e, "op2"); o.Role != booking.RoleClerk || o.Office != "NS01" {
		t.Fatalf("role change: %+v", o)
	}
	// the role change ended the session; log in again, then disable
	op2 = e.browser(t)
	op2.get("/console/login")
	op2.post("/console/login", url.Values{"name": {"op2"}, "password": {"my-own-password"}})
	if code, _, _ := op2.do("GET", "/console/office", nil); code != 200 {
		t.Fatalf("clerk op2 on the office page: %d", code)
	}
	admin.get("/console/operators")
	if _, _, msg := admin.submit(fmt.Sprintf("/console/operators/%d/active", o.ID), url.Values{"active": {"0"}}); !strings.Contains(msg, "已停用") {
		t.Fatalf("disable: %q", msg)
	}
	if code, _, loc := op2.do("GET", "/console/office", nil); code != http.StatusFound || loc != "/console/login" {
		t.Fatalf("disabled account's open session: %d %s", code, loc)
	}
	op2.get("/console/login")
	if code, _ := op2.post("/console/login", url.Values{"name": {"op2"}, "password": {"my-own-password"}}); code != http.StatusUnauthorized {
		t.Fatalf("disabled account logs in: %d", code)
	}
	// reset: the old password stops working, the new one must be changed
	admin.submit(fmt.Sprintf("/console/operators/%d/active", o.ID), url.Values{"active": {"1"}})
	admin.submit(fmt.Sprintf("/console/operators/%d/reset", o.ID), url.Values{"password": {"reset-by-admin-1"}})
	if o = account(t, e, "op2"); !o.Active || !o.MustChangePassword {
		t.Fatalf("after enable and reset: %+v", o)
	}
	for _, a := range []string{"operator.add", "operator.role", "operator.disable", "operator.enable", "operator.reset", "operator.password"} {
		if log, _ := e.Svc.AuditLog(ctx, booking.AuditFilter{Action: a}); len(log) != 1 {
			t.Fatalf("%s audited %d times", a, len(log))
		}
	}
	// an administrator cannot lock themselves out
	me := account(t, e, "admin1")
	if _, _, msg := admin.submit(fmt.Sprintf("/console/operators/%d/active", me.ID), url.Values{"active": {"0"}}); msg != "不能停用自己的账户" {
		t.Fatalf("self-disable: %q", msg)
	}
}
