package booking

import (
	_ "embed"
	"strings"
	"unicode"
)

//go:embed common-passwords.txt
var commonList string

// common is the shipped list of passwords too common to accept.
var common = func() map[string]bool {
	m := map[string]bool{}
	for _, l := range strings.Split(commonList, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			m[l] = true
		}
	}
	return m
}()

// WeakPassword names why a password is too weak to keep ("" if it is not):
// on the list of common passwords (also with digits or symbols added at
// either end: "password2026!"), or without enough variety — fewer than
// five different characters, or one repeated block ("abcabcabc"), or a
// run up or down the alphabet or the digits ("12345678", "abcdefgh").
// Citizen accounts and console accounts both apply it.
func WeakPassword(pw string) string {
	low := strings.ToLower(strings.TrimSpace(pw))
	switch {
	case common[low] || common[strings.TrimRight(low, "0123456789!@#$%.*_-")] || common[strings.TrimLeft(low, "0123456789!@#$%.*_-")]:
		return "password_common"
	case distinct(low) < 5 || repeated(low) || sequential(low):
		return "password_weak"
	}
	return ""
}

func distinct(s string) int {
	seen := map[rune]bool{}
	for _, r := range s {
		if !unicode.IsSpace(r) {
			seen[r] = true
		}
	}
	return len(seen)
}

// repeated reports a string made of one block said again ("abcabc").
func repeated(s string) bool {
	for n := 1; n <= len(s)/2; n++ {
		if len(s)%n == 0 && strings.Repeat(s[:n], len(s)/n) == s {
			return true
		}
	}
	return false
}

// sequential reports a run of neighbouring characters, up or down (digits
// wrap: "7890123").
func sequential(s string) bool {
	if len(s) < 3 {
		return false
	}
	up, down := true, true
	for i := 1; i < len(s); i++ {
		up = up && (s[i] == s[i-1]+1 || s[i-1] == '9' && s[i] == '0')
		down = down && (s[i] == s[i-1]-1 || s[i-1] == '0' && s[i] == '9')
	}
	return up || down
}
