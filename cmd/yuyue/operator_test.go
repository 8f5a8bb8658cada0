package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"yuyue/booking"
	"yuyue/operator"
	"yuyue/store"
)

func init() { operator.PasswordCost = 4 } // bcrypt's minimum: tests hash many passwords

// The account commands work beside a running server; disable ends the
// account's sessions at once.
func TestOperatorCommandsBesideARunningServer(t *testing.T) {
	const secret = "Pd5mpy3cqwSwKdQRf3EFaWkM6dY4u8Bs7s"
	e := testEnv(t, map[string]string{"YUYUE_SECRET_KEY": secret})
	startServer(t, e)
	ctx := context.Background()
	cmd := func(stdin string, args ...string) (string, error) {
		var out bytes.Buffer
		err := run(ctx, args, e.with(stdin, &out))
		return out.String(), err
	}
	if _, err := cmd("short-pw\n", "operator", "add", "alice", "--role", "admin"); err == nil || !strings.Contains(err.Error(), "12 or more") {
		t.Fatalf("short password: %v", err)
	}
	if _, err := cmd("a-long-password-1\n", "operator", "add", "bad name", "--role", "admin"); err == nil || !strings.Contains(err.Error(), "account name") {
		t.Fatalf("bad name: %v", err)
	}
	if _, err := cmd("a-long-password-1\n", "operator", "add", "alice"); err == nil || !strings.Contains(err.Error(), "role") {
		t.Fatalf("missing --role: %v", err)
	}
	if out, err := cmd("a-long-password-1\n", "operator", "add", "alice", "--role", "admin"); err != nil || !strings.Contains(out, "operator alice (admin) created") {
		t.Fatalf("add: %v %q", err, out)
	}
	if out, err := cmd("a-long-password-2\n", "operator", "add", "bob", "--role", "clerk", "--office", "FT01"); err != nil {
		t.Fatalf("add clerk: %v %q", err, out)
	}
	out, err := cmd("", "operator", "list")
	if err != nil || !strings.Contains(out, "alice") || !strings.Contains(out, "FT01") || !strings.Contains(out, "active") {
		t.Fatalf("list: %v\n%s", err, out)
	}

	st, err := store.Open(ctx, e.getenv("YUYUE_DATABASE"), secret)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	alice := func() (o booking.Operator) {
		st.View(ctx, func(tx booking.Tx) (err error) { o, err = tx.OperatorByName("alice"); return err })
		return o
	}
	// one time zone, stated in the header, whatever the machine's zone is
	sh, _ := time.LoadLocation("Asia/Shanghai")
	if at := alice().UpdatedAt.In(sh).Format("2006-01-02 15:04"); !strings.Contains(out, "UPDATED (Asia/Shanghai)") || !strings.Contains(out, at) {
		t.Fatalf("list does not show Asia/Shanghai times (want %s):\n%s", at, out)
	}
	before := alice().PasswordHash
	if _, err := cmd("a-brand-new-password\n", "operator", "passwd", "alice"); err != nil {
		t.Fatal(err)
	}
	if a := alice(); bytes.Equal(a.PasswordHash, before) || a.MustChangePassword {
		t.Fatalf("passwd: hash changed %v, must change %v", !bytes.Equal(a.PasswordHash, before), a.MustChangePassword)
	}
	if _, err := cmd("x\n", "operator", "passwd", "nobody"); err == nil {
		t.Fatal("passwd of an unknown account succeeded")
	}

	tok := []byte("session-token-hash")
	err = st.InTx(ctx, func(tx booking.Tx) error {
		return tx.InsertOperatorSession(booking.OperatorSession{TokenHash: tok, OperatorID: alice().ID, CSRF: "c",
			CreatedAt: time.Now(), ExpiresAt: time.Now().Add(time.Hour)})
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cmd("", "operator", "disable", "alice"); err != nil {
		t.Fatal(err)
	}
	err = st.View(ctx, func(tx booking.Tx) error { _, err := tx.OperatorSession(tok, time.Now()); return err })
	if booking.ErrorCode(err) != booking.ENotFound || alice().Active {
		t.Fatalf("after disable: session lookup %v, active %v", err, alice().Active)
	}
	if _, err := cmd("", "operator", "enable", "alice"); err != nil || !alice().Active {
		t.Fatalf("enable: %v", err)
	}
}
