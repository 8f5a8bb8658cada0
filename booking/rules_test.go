package booking

import (
	"testing"
	"time"
)

var shanghai, _ = time.LoadLocation("Asia/Shanghai")

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, shanghai)
	if err != nil {
		panic(err)
	}
	return t
}

func TestIDNumber(t *testing.T) {
	now := at("2026-11-29 10:00")
	valid := "44030519900101123" + string(IDCheckChar("44030519900101123"))
	withX := ""
	for seq := 100; seq < 999; seq++ { // find a valid number whose check character is X
		body := "11010520000229" + itoa3(seq)
		if IDCheckChar(body) == 'X' {
			withX = body + "X"
			break
		}
	}
	cases := []struct {
		in string
		ok bool
	}{
		{valid, true},
		{withX, true},
		{withX[:17] + "x", true}, // lower-case x is accepted and normalised
		{valid[:17], false},      // too short
		{valid[:17] + "0" + "1", false},
		{flipCheck(valid), false},                         // wrong check character
		{fixCheck("44030519900230123"), false},            // 30 February
		{fixCheck("44030520991201123"), false},            // born in the future
		{fixCheck("44030518991201123"), false},            // before 1900
		{fixCheck("04030519900101123"), false},            // no region starts with 0
		{"4403051990010112X3", false},                     // X not last
		{fixCheck("44030519900101123")[:17] + "Y", false}, // not a check character
	}
	for _, tc := range cases {
		got, err := NormalizeIDNumber(tc.in, now)
		if (err == nil) != tc.ok {
			t.Errorf("NormalizeIDNumber(%q) error = %v, want ok=%v", tc.in, err, tc.ok)
		}
		if err == nil && got[17] == 'x' {
			t.Errorf("lower-case x not normalised: %q", got)
		}
	}
	if m := MaskIDNumber(withX); m != withX[:6]+"**********"+withX[16:] || len(m) != 18 {
		t.Errorf("mask = %q", m)
	}
}

func itoa3(n int) string {
	return string([]byte{byte('0' + n/100), byte('0' + n/10%10), byte('0' + n%10)})
}

func fixCheck(first17 string) string { return first17 + string(IDCheckChar(first17)) }

func flipCheck(id string) string {
	c := byte('0')
	if id[17] == '0' {
		c = '1'
	}
	return id[:17] + string(c)
}

func TestMobile(t *testing.T) {
	cases := map[string]string{
		"13800138000":       "+8613800138000",
		"+86 138 0013 8000": "+8613800138000",
		"008613800138000":   "+8613800138000",
		"199-1234-5678":     "+8619912345678",
		"075583001234":      "", // a Shenzhen landline
		"+14155550100":      "", // not mainland
		"12345":             "",
		"":                  "",
	}
	for in, want := range cases {
		got, err := NormalizeMobile(in)
		if want == "" && err == nil || want != "" && got != want {
			t.Errorf("NormalizeMobile(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if MaskPhone("+8613800138000") != "138****8000" {
		t.Error(MaskPhone("+8613800138000"))
	}
}

func testCalendar() *Calendar {
	return &Calendar{Loc: shanghai,
		Holidays: map[Date]string{MustDate("2026-10-01"): "国庆", MustDate("2026-10-02"): "国庆", MustDate("2026-10-05"): "国庆"},
		Workdays: map[Date]string{MustDate("2026-10-10"): "调休"}}
}

func TestCalendarHolidayAndMakeUpDay(t *testing.T) {
	c := testCalendar()
	cases := map[string]bool{
		"2026-09-30": true,  // Wednesday
		"2026-10-01": false, // holiday Thursday
		"2026-10-03": false, // Saturday
		"2026-10-10": true,  // make-up Saturday
		"2026-10-11": false, // Sunday
		"2026-10-12": true,  // Monday
	}
	for d, want := range cases {
		if got := c.IsWorkingDay(MustDate(d)); got != want {
			t.Errorf("IsWorkingDay(%s) = %v", d, got)
		}
	}
}

func TestWindowFirstAndLastDay(t *testing.T) {
	c := testCalendar()
	now := at("2026-11-30 23:59") // Monday
	w := c.Window(now, 14)
	if w[0] != MustDate("2026-12-01") {
		t.Errorf("first day %s, want tomorrow 2026-12-01", w[0])
	}
	if last := w[len(w)-1]; last != MustDate("2026-12-14") {
		t.Errorf("last day %s, want 2026-12-14 (today+14, a Monday)", last)
	}
	if c.InWindow(now, 14, MustDate("2026-11-30")) || c.InWindow(now, 14, MustDate("2026-12-15")) {
		t.Error("today and today+15 must be outside the window")
	}
	if !c.InWindow(now, 14, MustDate("2026-12-14")) || c.InWindow(now, 14, MustDate("2026-12-05")) {
		t.Error("today+14 is in the window; a Saturday is not")
	}
	holiday := c.Window(at("2026-09-29 09:00"), 14)
	for _, d := range holiday {
		if d == MustDate("2026-10-01") {
			t.Error("a holiday is in the window")
		}
	}
	if !containsDate(holiday, MustDate("2026-10-10")) {
		t.Error("the make-up Saturday is missing from the window")
	}
}

func containsDate(ds []Date, d Date) bool {
	for _, x := range ds {
		if x == d {
			return true
		}
	}
	return false
}

func TestCancelDeadline(t *testing.T) {
	r := DefaultRules()
	d := MustDate("2026-12-03")
	cases := map[string]bool{
		"2026-12-01 09:00": true,
		"2026-12-02 17:59": true,
		"2026-12-02 18:00": false,
		"2026-12-02 18:01": false,
		"2026-12-03 08:00": false, // the day itself
	}
	for now, want := range cases {
		if got := r.CanCancel(at(now), d, shanghai); got != want {
			t.Errorf("CanCancel at %s = %v, want %v", now, got, want)
		}
	}
}

func TestBanUntil(t *testing.T) {
	r := DefaultRules()
	first := at("2026-01-10 10:00")
	cases := []struct {
		name    string
		times   []time.Time
		banned  bool
		wantEnd time.Time
	}{
		{"two no-shows", []time.Time{first, first.AddDate(0, 1, 0)}, false, time.Time{}},
		{"third inside 6 months", []time.Time{first, first.AddDate(0, 2, 0), first.AddDate(0, 5, 0)}, true, first.AddDate(0, 11, 0)},
		{"third exactly 6 months after the first", []time.Time{first, first.AddDate(0, 3, 0), first.AddDate(0, 6, 0)}, true, first.AddDate(0, 12, 0)},
		{"third just outside", []time.Time{first, first.AddDate(0, 3, 0), first.AddDate(0, 6, 0).Add(time.Minute)}, false, time.Time{}},
	}
	for _, tc := range cases {
		until, banned := r.BanUntil(tc.times)
		if banned != tc.banned || !until.Equal(tc.wantEnd) {
			t.Errorf("%s: BanUntil = %v, %v; want %v, %v", tc.name, until, banned, tc.wantEnd, tc.banned)
		}
	}
	c := Citizen{BannedUntil: first.AddDate(0, 11, 0)}
	if !c.Banned(c.BannedUntil.Add(-time.Second)) || c.Banned(c.BannedUntil) {
		t.Error("the ban must end exactly 6 months after the last no-show")
	}
}

func TestReference(t *testing.T) {
	seen := map[string]bool{}
	for range 2000 {
		ref, err := NewReference()
		if err != nil {
			t.Fatal(err)
		}
		if len(ref) != ReferenceLength || ref[0] == '0' || !ValidReference(ref) || seen[ref] {
			t.Fatalf("bad or repeated reference %q", ref)
		}
		seen[ref] = true
		// every single-digit change and adjacent swap is caught
		b := []byte(ref)
		for i := range b {
			orig := b[i]
			b[i] = '0' + (orig-'0'+1)%10
			if ValidReference(string(b)) {
				t.Fatalf("digit error not caught in %s", ref)
			}
			b[i] = orig
			if i+1 < len(b) && b[i] != b[i+1] {
				b[i], b[i+1] = b[i+1], b[i]
				if ValidReference(string(b)) {
					t.Fatalf("transposition not caught in %s", ref)
				}
				b[i], b[i+1] = b[i+1], b[i]
			}
		}
	}
	if ValidReference("12345678a0") || ValidReference("123") {
		t.Error("malformed references accepted")
	}
}

func TestMaskName(t *testing.T) {
	for in, want := range map[string]string{"张三": "张*", "欧阳娜娜": "欧***", "李": "李*", "": ""} {
		if got := MaskName(in); got != want {
			t.Errorf("MaskName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAgeOnCountsWholeYearsFromTheIDBirthDate(t *testing.T) {
	cases := []struct {
		id   string
		day  Date
		want int
	}{
		{fixCheck("44030519611203123"), Date{2026, time.December, 3}, 65},  // 65th birthday today
		{fixCheck("44030519611204123"), Date{2026, time.December, 3}, 64},  // tomorrow
		{fixCheck("44030519600229123"), Date{2025, time.February, 28}, 64}, // 29 Feb: a year older on 1 March
		{fixCheck("44030519600229123"), Date{2025, time.March, 1}, 65},
		{fixCheck("44030520000101123"), Date{2026, time.January, 1}, 26},
	}
	for _, tc := range cases {
		if got, ok := AgeOn(tc.id, tc.day); !ok || got != tc.want {
			t.Errorf("AgeOn(%s, %v) = %d, %v; want %d", tc.id, tc.day, got, ok, tc.want)
		}
	}
	if _, ok := AgeOn("4403051961", Date{2026, time.December, 3}); ok {
		t.Error("a short number has no age")
	}
}
