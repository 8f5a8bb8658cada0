// Package devserver is for tests of the developer tools (callsim, smssim):
// it builds the real yuyue binary, runs `yuyue serve` in development mode
// on a fresh database and a free loopback port, and reads the commands the
// README shows so that the tests play exactly what a newcomer would type.
package devserver

import (
	"bufio"
	"bytes"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"yuyue/config"
)

// Server is a running `yuyue serve`.
type Server struct {
	URL string   // http://127.0.0.1:PORT, also its public_url
	Dir string   // its working directory (data/yuyue.db lives here)
	Env []string // its environment: a command run with it uses the same server
	// Stop interrupts the server and waits for it to exit (Ctrl-C).
	Stop func()
	logs *syncBuffer
}

// Logs is what the server printed so far.
func (s *Server) Logs() string { return s.logs.String() }

// Start builds yuyue, starts it in development mode in a temporary
// directory, with env (KEY=VALUE) added to its environment, and waits until
// /healthz answers; it stops at cleanup.
func Start(t *testing.T, env ...string) *Server {
	t.Helper()
	return StartIn(t, t.TempDir(), []string{"serve"}, env...)
}

// StartIn is Start in dir (a server stopped there before left its
// database and development key) with args (`serve` and its flags).
func StartIn(t *testing.T, dir string, args []string, env ...string) *Server {
	t.Helper()
	bin := Build(t, "yuyue/cmd/yuyue", dir)
	addr := freeAddr(t)
	srv := exec.Command(bin, args...)
	srv.Dir = dir
	srv.Env = append(append(os.Environ(), "YUYUE_HTTP_ADDR="+addr, "YUYUE_PUBLIC_URL=http://"+addr), env...)
	if hasKey("http.admin_addr") {
		// The admin listener must not take a fixed port beside other tests.
		srv.Env = append(srv.Env, config.EnvName("http.admin_addr")+"="+freeAddr(t))
	}
	s := &Server{URL: "http://" + addr, Dir: dir, Env: srv.Env, logs: &syncBuffer{}}
	srv.Stdout, srv.Stderr = s.logs, s.logs
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	s.Stop = sync.OnceFunc(func() { srv.Process.Signal(os.Interrupt); srv.Wait() })
	t.Cleanup(s.Stop)
	for end := time.Now().Add(30 * time.Second); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		if resp, err := http.Get(s.URL + "/healthz"); err == nil {
			resp.Body.Close()
			return s
		}
	}
	t.Fatalf("yuyue did not come up:\n%s", s.Logs())
	return nil
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func hasKey(key string) bool {
	for _, d := range config.Reference() {
		if d.Key == key {
			return true
		}
	}
	return false
}

// Line is one command shown in the README: the tool's prefix and its
// arguments.
type Line struct {
	Prefix string
	Args   []string
}

// ReadmeCommands returns the arguments of every indented README line that
// starts with prefix (e.g. "go run ./cmd/callsim"), in order, split as a
// shell would split single-quoted words.
func ReadmeCommands(t *testing.T, readme, prefix string) [][]string {
	t.Helper()
	var cmds [][]string
	for _, l := range ReadmeLines(t, readme, prefix) {
		cmds = append(cmds, l.Args)
	}
	return cmds
}

// Walkthroughs are README sections that a test of their own plays whole,
// on the server the section starts: ReadmeLines leaves their lines out.
var Walkthroughs = []string{
	"### Join the waitlist", // TestReadmeWaitlist
}

// ReadmeLines returns the indented README lines that start with any of
// prefixes, in the README's order, so tools used together play together.
// Lines under a heading in Walkthroughs are left out.
func ReadmeLines(t *testing.T, readme string, prefixes ...string) []Line {
	t.Helper()
	f, err := os.Open(readme)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []Line
	sc := bufio.NewScanner(f)
	skip := false
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "#") {
			skip = false
			for _, w := range Walkthroughs {
				skip = skip || strings.HasPrefix(sc.Text(), w)
			}
		}
		if skip {
			continue
		}
		line := strings.TrimSpace(sc.Text())
		for _, p := range prefixes {
			if !strings.HasPrefix(sc.Text(), "    ") || !strings.HasPrefix(line, p+" ") {
				continue
			}
			args, err := ShellWords(strings.TrimPrefix(line, p))
			if err != nil {
				t.Fatalf("README line %q: %v", line, err)
			}
			lines = append(lines, Line{Prefix: p, Args: args})
		}
	}
	for _, p := range prefixes {
		found := false
		for _, l := range lines {
			found = found || l.Prefix == p
		}
		if !found {
			t.Fatalf("README has no %q line", p)
		}
	}
	return lines
}

// Build compiles the package pkg (e.g. "yuyue/cmd/callsim") into dir.
func Build(t *testing.T, pkg, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, filepath.Base(pkg))
	if out, err := exec.Command("go", "build", "-o", bin, pkg).CombinedOutput(); err != nil {
		t.Fatalf("build %s: %v\n%s", pkg, err, out)
	}
	return bin
}

// syncBuffer is a log sink the server process and the test share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }
