package webhook

import "testing"

func TestGatherDigitsLikeTwilio(t *testing.T) {
	cases := []struct {
		keys   string
		n      int
		finish string
		digits string
		waited bool
	}{
		{"1", 1, "", "1", false},
		{"#", 1, "", "", true}, // a lone # never arrives
		{"", 1, "", "", true},  // nothing pressed: empty Digits at the timeout
		{"*", 1, "", "*", false},
		{"*", 6, "#", "*", true}, // a lone * in a 6-digit gather waits
		{"*#", 6, "#", "*", false},
		{"123456", 6, "#", "123456", false},
		{"12345#", 6, "#", "12345", false},
		{"44030519900307123*#", 18, "#", "44030519900307123*", false},
		{"13800138000#", 11, "#", "13800138000", false}, // # after completion is not part of it
	}
	for _, c := range cases {
		d, w := GatherDigits(c.keys, c.n, c.finish)
		if d != c.digits || w != c.waited {
			t.Errorf("GatherDigits(%q, %d, %q) = %q, %v; want %q, %v", c.keys, c.n, c.finish, d, w, c.digits, c.waited)
		}
	}
}
