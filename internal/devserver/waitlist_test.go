package devserver_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"yuyue/internal/devserver"
)

// waitlistSection is the README's join-the-waitlist walk-through.
const waitlistSection = "### Join the waitlist"

// The README's waitlist walk-through, played as written on the server its
// first line starts (the one-place catalog, a one-day window, Thursday
// 10:00 by --clock, so the day is Friday whatever the real time): 张三
// books the only place, 李四 hears the day is full and joins its waitlist;
// 张三's QX frees the place, which is offered to 李四 by SMS, and 李四's QR
// books it.
func TestReadmeWaitlist(t *testing.T) {
	lines := sectionLines(t, "../../README.md", waitlistSection)
	if len(lines) != 5 {
		t.Fatalf("README's waitlist section has %d command lines, want 5: %q", len(lines), lines)
	}
	env, args := serveLine(t, lines[0])
	srv := devserver.StartIn(t, t.TempDir(), args, env...)
	bins := t.TempDir()
	callsim, smssim := devserver.Build(t, "yuyue/cmd/callsim", bins), devserver.Build(t, "yuyue/cmd/smssim", bins)
	sh := func(line string) string {
		t.Helper()
		line = strings.NewReplacer("go run ./cmd/callsim", callsim+" --url "+srv.URL,
			"go run ./cmd/smssim", smssim+" --url "+srv.URL+" --wait 2s").Replace(line)
		cmd := exec.Command("bash", "-o", "pipefail", "-c", line)
		cmd.Dir, cmd.Env = srv.Dir, append(append([]string(nil), srv.Env...), "XDG_CACHE_HOME="+t.TempDir())
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s\nserver log:\n%s", line, err, out, srv.Logs())
		}
		return string(out)
	}
	want := func(line, out string, wants ...string) {
		t.Helper()
		for _, w := range wants {
			if !strings.Contains(out, w) {
				t.Fatalf("%s: output lacks %q:\n%s", line, w, out)
			}
		}
	}
	want(lines[1], sh(lines[1]), "12月4日星期五", "预约成功", "受理号")
	second := sh(lines[2])
	want(lines[2], second, "12月4日星期五的号源已约满", "加入该日候补请按1", "已加入候补")
	if strings.Contains(second, "预约成功") || strings.Contains(second, "您的输入有误") {
		t.Fatalf("%s: the second caller should only join the waitlist:\n%s", lines[2], second)
	}
	want(lines[3], sh(lines[3]), "已取消受理号")
	if inbox := inboxOf(t, srv.URL, "+8613900000002"); !strings.Contains(inbox, "您候补的") || !strings.Contains(inbox, "有号了") {
		t.Fatalf("no waitlist offer SMS for the second caller in the inbox:\n%s", inbox)
	}
	want(lines[4], sh(lines[4]), "候补预约成功", "12月4日", "受理号")
}

// serveLine splits a README `KEY=VALUE… go run ./cmd/yuyue serve …` line
// into the environment and yuyue's arguments; the catalog path, relative
// to the repository root where a newcomer types it, is made absolute.
func serveLine(t *testing.T, line string) (env, args []string) {
	t.Helper()
	words, err := devserver.ShellWords(line)
	if err != nil {
		t.Fatal(err)
	}
	for len(words) > 0 && strings.Contains(words[0], "=") {
		kv := words[0]
		if k, v, _ := strings.Cut(kv, "="); k == "YUYUE_CATALOG" && !filepath.IsAbs(v) {
			abs, err := filepath.Abs(filepath.Join("../..", v))
			if err != nil {
				t.Fatal(err)
			}
			kv = k + "=" + abs
		}
		env, words = append(env, kv), words[1:]
	}
	if len(words) < 4 || strings.Join(words[:4], " ") != "go run ./cmd/yuyue serve" {
		t.Fatalf("not a yuyue serve line: %q", line)
	}
	return env, words[3:]
}

// inboxOf is the development inbox's messages to one number.
func inboxOf(t *testing.T, base, to string) string {
	t.Helper()
	resp, err := http.Get(base + "/dev/inbox?to=" + url.QueryEscape(to))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var msgs []struct{ Body string }
	if err := json.NewDecoder(resp.Body).Decode(&msgs); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, m := range msgs {
		b.WriteString(m.Body + "\n")
	}
	return b.String()
}
