package devserver

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

// RunnableMarker, alone on the line before an indented code block of the
// README or a docs page, promises that every line of the block runs as
// shown against a development server (TestRunnableDocBlocks runs them).
const RunnableMarker = "<!-- runnable -->"

// Block is one marked code block: where it is and its command lines.
type Block struct {
	File  string
	Line  int // of the marker
	Lines []string
}

// RunnableBlocks returns the marked blocks of a Markdown file in order. A
// block is the run of 4-space-indented lines after the marker (blank lines
// before it skipped); a marker followed by no block fails the test.
func RunnableBlocks(t *testing.T, file string) []Block {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var blocks []Block
	var cur *Block
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case strings.TrimSpace(line) == RunnableMarker:
			blocks = append(blocks, Block{File: file, Line: n})
			cur = &blocks[len(blocks)-1]
		case cur == nil:
		case strings.HasPrefix(line, "    ") && strings.TrimSpace(line) != "":
			cur.Lines = append(cur.Lines, strings.TrimSpace(line))
		case strings.TrimSpace(line) == "" && len(cur.Lines) == 0:
		default:
			cur = nil
		}
	}
	for _, b := range blocks {
		if len(b.Lines) == 0 {
			t.Fatalf("%s:%d: %s is not followed by an indented code block", file, b.Line, RunnableMarker)
		}
	}
	return blocks
}
