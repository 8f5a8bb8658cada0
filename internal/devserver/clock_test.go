package devserver_test

import (
	"bufio"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"yuyue/internal/devserver"
)

// clockSection is the README's --clock walk-through.
const clockSection = "### A day at the counter, without waiting for it"

// The README's --clock walk-through, played as written: the server starts
// on Thursday, two callers book Friday's first period, a clerk account is
// made; the server restarts on Friday morning on the same database; the
// clerk checks the first citizen in with his ID number through the
// console, as the README tells a newcomer to; the no-show job, run by
// hand at 10:31, marks the other booking and prints what the README says.
// Outside development mode the clock is refused (config's tests).
func TestReadmeDevClock(t *testing.T) {
	lines := sectionLines(t, "../../README.md", clockSection)
	if len(lines) != 6 {
		t.Fatalf("README's --clock section has %d command lines, want 6: %q", len(lines), lines)
	}
	dir := t.TempDir()
	srv := devserver.StartIn(t, dir, serveArgs(t, lines[0]))
	bins := t.TempDir()
	yuyue, callsim := devserver.Build(t, "yuyue/cmd/yuyue", bins), devserver.Build(t, "yuyue/cmd/callsim", bins)
	// where --new remembers its number; the commands' own (t.Setenv would
	// send the next build to an empty Go build cache)
	cache := "XDG_CACHE_HOME=" + t.TempDir()
	sh := func(srv *devserver.Server, line string) string {
		t.Helper()
		line = strings.NewReplacer("go run ./cmd/yuyue", yuyue, "go run ./cmd/callsim", callsim+" --url "+srv.URL).Replace(line)
		cmd := exec.Command("bash", "-o", "pipefail", "-c", line)
		cmd.Dir, cmd.Env = srv.Dir, append(append([]string(nil), srv.Env...), cache)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s\nserver log:\n%s", line, err, out, srv.Logs())
		}
		return string(out)
	}
	for _, l := range lines[1:3] {
		if out := sh(srv, l); !strings.Contains(out, "预约成功") || !strings.Contains(out, "12月4日") {
			t.Fatalf("%s: no booking for 4 December:\n%s", l, out)
		}
	}
	sh(srv, lines[3])
	srv.Stop()

	srv = devserver.StartIn(t, dir, serveArgs(t, lines[4]))
	clerk := login(t, srv.URL, "clerk1", strings.Split(lines[3], "'")[1])
	page := get(t, clerk, srv.URL+"/console/office")
	forms := regexp.MustCompile(`action="(/console/b/[^"]+/checkin)"`).FindAllStringSubmatch(page, -1)
	if len(forms) != 2 {
		t.Fatalf("the clerk's page on Friday shows %d bookings to check in, want 2:\n%s", len(forms), page)
	}
	checkedIn := 0
	for _, f := range forms {
		after := post(t, clerk, srv.URL+f[1], url.Values{"id_number": {"440305198001010013"}, "csrf": {csrfOf(t, page)}})
		if strings.Contains(after, "已取号：001号") {
			checkedIn++
		}
		page = after
	}
	if checkedIn != 1 {
		t.Fatalf("the README's ID number checked %d bookings in, want 1:\n%s", checkedIn, page)
	}
	if out := sh(srv, lines[5]); !strings.Contains(out, "noshow: blacklisted=0 noshows=1") {
		t.Fatalf("the no-show job: %s", out)
	}
	if page := get(t, clerk, srv.URL+"/console/office"); !strings.Contains(page, "爽约") || !strings.Contains(page, "001号") {
		t.Fatalf("after the job the day shows no 爽约 and no 001号:\n%s", page)
	}
}

// sectionLines are the indented command lines under a README heading.
func sectionLines(t *testing.T, file, heading string) []string {
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		l := sc.Text()
		switch {
		case strings.HasPrefix(l, heading):
			in = true
		case in && strings.HasPrefix(l, "#"):
			return out
		case in && strings.HasPrefix(l, "    ") && strings.TrimSpace(l) != "":
			out = append(out, strings.TrimSpace(l))
		}
	}
	return out
}

// serveArgs are a README `go run ./cmd/yuyue serve --clock …` line's
// arguments.
func serveArgs(t *testing.T, line string) []string {
	args, err := devserver.ShellWords(strings.TrimPrefix(line, "go run ./cmd/yuyue "))
	if err != nil || len(args) != 3 || args[0] != "serve" || args[1] != "--clock" {
		t.Fatalf("not a serve --clock line: %q", line)
	}
	return args
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([0-9a-f]+)"`)

func csrfOf(t *testing.T, page string) string {
	m := csrfRe.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF token in:\n%s", page)
	}
	return m[1]
}

func login(t *testing.T, base, name, password string) *http.Client {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	page := get(t, c, base+"/console/login")
	if home := post(t, c, base+"/console/login", url.Values{"name": {name}, "password": {password}, "csrf": {csrfOf(t, page)}}); !strings.Contains(home, `id="logout"`) {
		t.Fatalf("login %s:\n%s", name, home)
	}
	return c
}

func get(t *testing.T, c *http.Client, u string) string {
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	_, err = bufio.NewReader(resp.Body).WriteTo(&b)
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func post(t *testing.T, c *http.Client, u string, form url.Values) string {
	resp, err := c.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	if _, err := bufio.NewReader(resp.Body).WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
