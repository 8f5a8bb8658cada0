package devserver_test

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"yuyue/internal/devserver"
)

// Every code block of the README and docs/ marked <!-- runnable --> runs
// as shown, line by line in order, against a development server: `go run
// ./cmd/X` is the built X (callsim and smssim pointed at the server), and
// localhost:8080 is the server's address. A line that fails (non-zero exit)
// fails the test, so the documents cannot drift from the code. (The
// callsim and smssim walkthroughs are played by their own tests,
// TestReadmeScriptsTwiceInARow and smssim's, with their transcripts
// checked.)
func TestRunnableDocBlocks(t *testing.T) {
	files, _ := filepath.Glob("../../docs/*.md")
	files = append([]string{"../../README.md"}, files...)
	var blocks []devserver.Block
	for _, f := range files {
		blocks = append(blocks, devserver.RunnableBlocks(t, f)...)
	}
	if len(blocks) < 3 {
		t.Fatalf("only %d runnable blocks in README and docs/: the marker was lost", len(blocks))
	}
	srv := devserver.Start(t)
	bins := t.TempDir()
	repl := strings.NewReplacer(
		"go run ./cmd/yuyue", devserver.Build(t, "yuyue/cmd/yuyue", bins),
		"go run ./cmd/callsim", devserver.Build(t, "yuyue/cmd/callsim", bins)+" --url "+srv.URL,
		"go run ./cmd/smssim", devserver.Build(t, "yuyue/cmd/smssim", bins)+" --url "+srv.URL,
		"localhost:8080", strings.TrimPrefix(srv.URL, "http://"),
		"127.0.0.1:8080", strings.TrimPrefix(srv.URL, "http://"))
	for _, b := range blocks {
		for _, line := range joinContinued(b.Lines) {
			cmd := exec.Command("bash", "-o", "pipefail", "-c", repl.Replace(line))
			cmd.Dir, cmd.Env = srv.Dir, srv.Env
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%s:%d: %s\n%v\n%s\nserver log:\n%s", b.File, b.Line, line, err, out, srv.Logs())
			}
			t.Logf("%s:%d: %s\n%s", filepath.Base(b.File), b.Line, line, out)
		}
	}
}

// joinContinued joins lines ending in a backslash with the next, as sh does.
func joinContinued(lines []string) []string {
	var out []string
	cur := ""
	for _, l := range lines {
		if strings.HasSuffix(l, "\\") {
			cur += strings.TrimSuffix(l, "\\") + " "
			continue
		}
		out = append(out, cur+l)
		cur = ""
	}
	return out
}
