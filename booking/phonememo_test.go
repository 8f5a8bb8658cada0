package booking

import (
	"fmt"
	"strings"
	"testing"
)

// The memo answers what parsing answers, for numbers it keeps and for
// texts it refuses, the first time and from memory.
func TestPhoneMemoAnswersAsParsing(t *testing.T) {
	inputs := []string{
		"13800138000", "+86 138 0013 8000", "008613800138000", "+8613800138000",
		"02088888888", "12345", "not a number", "+14155550100", "anonymous",
		strings.Repeat("1", phoneMemoMaxKey+1),
	}
	for round := range 2 {
		for _, in := range inputs {
			want, wantErr := parseMobile(in)
			got, gotErr := NormalizeMobile(in)
			if got != want || ErrorCode(gotErr) != ErrorCode(wantErr) || fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
				t.Errorf("round %d, NormalizeMobile(%q) = %q, %v; parsing gives %q, %v", round, in, got, gotErr, want, wantErr)
			}
			wantC, _ := parseCaller(in)
			if gotC := CallerNumber(in); gotC != wantC {
				t.Errorf("round %d, CallerNumber(%q) = %q; parsing gives %q", round, in, gotC, wantC)
			}
		}
	}
}

// What strangers send cannot grow the memo: it keeps at most
// phoneMemoSize texts, and none longer than a phone number.
func TestPhoneMemoBounded(t *testing.T) {
	var m phoneMemo
	parses := 0
	parse := func(s string) (string, error) { parses++; return s, nil }
	for i := range 3 * phoneMemoSize {
		m.get(fmt.Sprintf("1%010d", i), parse)
		if n := len(m.m); n > phoneMemoSize {
			t.Fatalf("the memo holds %d texts after %d, want at most %d", n, i+1, phoneMemoSize)
		}
	}
	long := strings.Repeat("9", phoneMemoMaxKey+1)
	m.get(long, parse)
	if _, kept := m.m[long]; kept {
		t.Fatal("a text longer than any phone number was kept")
	}
	parses = 0
	m.get(long, parse)
	m.get("13800138000", parse)
	m.get("13800138000", parse)
	if parses != 2 {
		t.Fatalf("parsed %d times for a long text and a short one asked twice, want 2", parses)
	}
}

// BenchmarkNormalizeMobile is a call's number asked again, against
// BenchmarkParseMobile, the parse it used to run every time.
func BenchmarkNormalizeMobile(b *testing.B) {
	for b.Loop() {
		if _, err := NormalizeMobile("+86 138 0013 8000"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseMobile(b *testing.B) {
	for b.Loop() {
		if _, err := parseMobile("+86 138 0013 8000"); err != nil {
			b.Fatal(err)
		}
	}
}
