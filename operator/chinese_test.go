package operator_test

import (
	"strings"
	"testing"

	"yuyue/booking"
)

// The web site's and the app's account events read in Chinese in the audit
// log and its CSV export, whose time column states its zone.
func TestAccountEventsAreChinese(t *testing.T) {
	e := newEnv(t)
	c := e.citizen(t, 1)
	err := e.InTx(ctx, func(tx booking.Tx) error {
		for _, a := range [][2]string{{"account.register", "password account created"}, {"account.password", "password reset by SMS code"},
			{"account.login_failed", "failure 2"}} {
			if err := tx.Audit(booking.AuditEntry{At: e.Clock.Now(), Actor: "register", Channel: "web", Action: a[0],
				CitizenID: c.ID, Detail: a[1]}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	admin := e.browser(t).login("admin1")
	_, body := admin.get("/console/audit?channel=web")
	for _, want := range []string{"网站/App注册", "网站/App设置密码", "网站/App登录失败", "已开通网站/App账户", "凭短信验证码重设密码",
		"连续第 2 次密码错误", "时间（北京时间）"} {
		if !strings.Contains(body, want) {
			t.Fatalf("audit page lacks %q", want)
		}
	}
	if strings.Contains(body, ">account.") || strings.Contains(body, ">其他操作<") {
		t.Fatal("an account event is shown by its code")
	}
	rows := download(t, admin, "/console/audit.csv?action=account.register")
	if len(rows) != 2 || rows[0][0] != "时间（北京时间）" || rows[1][3] != "网站/App注册" || rows[1][6] != "已开通网站/App账户" {
		t.Fatalf("audit CSV %q", rows)
	}
}
