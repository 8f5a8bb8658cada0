package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The README's one-line scripted booking, against a real `yuyue serve` in
// development mode on a fresh database.
func TestReadmeScriptedBooking(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "yuyue")
	if out, err := exec.Command("go", "build", "-o", bin, "yuyue/cmd/yuyue").CombinedOutput(); err != nil {
		t.Fatalf("build yuyue: %v\n%s", err, out)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	srv := exec.Command(bin, "serve")
	srv.Dir = dir
	srv.Env = append(os.Environ(), "YUYUE_HTTP_ADDR="+addr, "YUYUE_PUBLIC_URL=http://"+addr,
		"YUYUE_HTTP_ADMIN_ADDR=127.0.0.1:0") // metrics on a free port of their own
	var logs bytes.Buffer
	srv.Stdout, srv.Stderr = &logs, &logs
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Process.Signal(os.Interrupt); srv.Wait() })
	for i := 0; i < 100; i++ {
		if resp, err := http.Get("http://" + addr + "/healthz"); err == nil {
			resp.Body.Close()
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	var out bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	script := "1,440305199003071236#,say:张三,1,1,code,1,1,1,1,1,1,1,1"
	if err := run(ctx, []string{"--url", "http://" + addr, "--script", script}, strings.NewReader(""), &out); err != nil {
		t.Fatalf("callsim: %v\n%s\nserver log:\n%s", err, out.String(), logs.String())
	}
	s := out.String()
	for _, want := range []string{"预约成功", "✉ SMS to +8613800138000: 【深圳户政预约】验证码", "受理号", "yuyue hangs up"} {
		if !strings.Contains(s, want) {
			t.Fatalf("transcript lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "验证码不正确") {
		t.Fatalf("the code was wrong:\n%s", s)
	}
	if !strings.Contains(s, "已预约新生儿入户") {
		t.Fatalf("the confirmation SMS did not arrive:\n%s", s)
	}
}
