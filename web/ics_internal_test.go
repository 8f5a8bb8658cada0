package web

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"yuyue/present"
)

func TestICSEscapesTextAndFoldsWithinCharacters(t *testing.T) {
	if got := icsText("a,b;c\\d\ne"); got != `a\,b\;c\\d\ne` {
		t.Fatalf("escaped %q", got)
	}
	long := "DESCRIPTION:" + strings.Repeat("深圳市福田区,", 30)
	folded := fold(long)
	if !strings.HasSuffix(folded, "\r\n") {
		t.Fatal("no CRLF")
	}
	for _, l := range strings.Split(strings.TrimSuffix(folded, "\r\n"), "\r\n") {
		if len(l) > 75 || !utf8.ValidString(l) {
			t.Fatalf("line %q: %d octets, valid UTF-8 %v", l, len(l), utf8.ValidString(l))
		}
	}
	if strings.ReplaceAll(folded, "\r\n ", "") != long+"\r\n" {
		t.Fatal("unfolding does not give the line back")
	}
	v := present.BookingView{Reference: "12345678", Date: "2026-12-01", Start: "09:00", End: "10:00",
		Business: present.Ref{Code: "b", Name: "新生儿入户"}, Office: present.OfficeRef{Ref: present.Ref{Code: "o", Name: "A;B,C"}, Address: "深圳市X路1号"}}
	ics := bookingICS(v, time.Date(2026, 11, 30, 1, 2, 3, 0, time.UTC), 18)
	for _, want := range []string{"LOCATION:A\\;B\\,C，深圳市X路1号 A\\;B\\,C\r\n", "DTSTAMP:20261130T010203Z\r\n",
		"DTSTART;TZID=Asia/Shanghai:20261201T090000\r\n", "DTEND;TZID=Asia/Shanghai:20261201T100000\r\n"} {
		if !strings.Contains(ics, want) {
			t.Fatalf("lacks %q:\n%s", want, ics)
		}
	}
}
