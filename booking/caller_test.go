package booking

import "testing"

func TestCallerNumber(t *testing.T) {
	cases := map[string]string{
		"+8613800138000":                       "+8613800138000",
		"13800138000":                          "+8613800138000",
		"sip:+8613800138000@trunk.114.sz:5060": "+8613800138000",
		"sip:13800138000@10.0.0.1;user=phone":  "+8613800138000",
		"tel:+86-755-8300-1234":                "+8675583001234",
		"":                                     "",
		"anonymous":                            "",
		"sip:anonymous@anonymous.invalid":      "",
		"+266696687":                           "", // Twilio: anonymous
		"+7378742833":                          "", // restricted
		"+2562533":                             "", // blocked
		"+8656696":                             "", // unavailable
		"client:alice":                         "",
	}
	for from, want := range cases {
		if got := CallerNumber(from); got != want {
			t.Errorf("CallerNumber(%q) = %q, want %q", from, got, want)
		}
	}
}
