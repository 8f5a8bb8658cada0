package ivr

import (
	"testing"

	"yuyue/booking"
)

func TestSpeak(t *testing.T) {
	cases := []struct{ got, want string }{
		{clockText(LangZH, "09:00"), "上午九点"},
		{clockText(LangZH, "09:30"), "上午九点半"},
		{clockText(LangZH, "14:00"), "下午两点"},
		{clockText(LangZH, "12:15"), "中午十二点十五分"},
		{clockText(LangZH, "16:45"), "下午四点四十五分"},
		{periodText(LangZH, "09:00", "09:30"), "上午九点到九点半"},
		{periodText(LangZH, "11:00", "14:00"), "上午十一点到下午两点"},
		{periodText(LangEN, "14:00", "15:00"), "2:00 PM to 3:00 PM"},
		{dateText(LangZH, booking.MustDate("2026-12-03")), "12月3日星期四"},
		{dateText(LangEN, booking.MustDate("2026-12-03")), "Thursday, December 3"},
		{digitsText(LangZH, "1207"), "幺，二，零，七"},
		{digitsText(LangEN, "1207"), "1, 2, 0, 7"},
		{cleanName(" 张 三。"), "张三"},
		{cleanName("John Smith."), "John Smith"},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
	if say(LangEN, "no-such-key") != "" || say(LangEN, "menu") == say(LangZH, "menu") {
		t.Error("catalog lookup")
	}
	for k := range promptsZH {
		if promptsEN[k] == "" {
			t.Errorf("prompt %q has no English", k)
		}
	}
}
