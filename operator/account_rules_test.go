package operator_test

import (
	"fmt"
	"strings"
	"testing"

	"yuyue/booking"
	"yuyue/operator"
	"yuyue/store/storetest"
)

func TestAddOperatorValidatesNameAndPassword(t *testing.T) {
	e := storetest.NewEnv(t)
	good := "twelve-chars"
	cases := []struct{ name, role, office, password, want string }{
		{"--help", "admin", "", good + "xx", "starts with a letter or digit"},
		{"a", "admin", "", good, "2 to 32"},
		{"has space", "admin", "", good, "letters, digits"},
		{"alice", "admin", "", "eleven-char", "12 or more"},
		{"alice", "root", "", good, "role must be"},
		{"clerk1", "clerk", "", good, "needs --office"},
		{"clerk1", "clerk", "XX99", good, "no office"},
	}
	for _, tc := range cases {
		_, err := operator.AddOperator(e.Svc, tc.name, tc.role, tc.office, tc.password)
		if err == nil || !strings.Contains(err.Error(), tc.want) || booking.ErrorCode(err) != booking.EInvalid {
			t.Errorf("%q/%s/%q: err %v, want %q", tc.name, tc.role, tc.password, err, tc.want)
		}
	}
	// Issue 22 item 14: the console refuses what the citizens' rule refuses
	for i, pw := range []string{"password1234", "密码密码密码密码密码密码", "123456789012", "aaaaaaaaaaaa"} {
		if _, err := operator.AddOperator(e.Svc, fmt.Sprint("bob", i), "operator", "", pw); booking.ErrorCode(err) != booking.EInvalid {
			t.Errorf("weak console password %q: %v", pw, err)
		}
	}
	if _, err := operator.AddOperator(e.Svc, "王小明", "admin", "", "深圳户政预约平台管理密码"); err != nil {
		t.Fatalf("a Chinese name and a 12-character password refused: %v", err)
	}
	if _, err := operator.AddOperator(e.Svc, "alice.w", "operator", "", good); err != nil {
		t.Fatalf("exactly 12 characters refused: %v", err)
	}
}
