package sms

import (
	"regexp"
	"strings"
)

// longNumber is a run of 7 or more digits, perhaps with a leading + and the
// separators people and carriers put in numbers.
var longNumber = regexp.MustCompile(`\+?\d(?:[- ]?\d){6,}`)

// MaskNumbers hides the middle of every phone-like number in a provider's
// error text before it is logged or stored: Twilio's 21211 says "The 'To'
// number +8613800138000 is not a valid phone number.", which would put the
// citizen's number in the log and the outbox row. The first three and last
// four digits stay, enough to tell numbers apart; short numbers such as
// Twilio's own error codes are left alone.
func MaskNumbers(s string) string {
	return longNumber.ReplaceAllStringFunc(s, func(n string) string {
		digits := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, n)
		prefix := ""
		if strings.HasPrefix(n, "+") {
			prefix = "+"
		}
		if strings.HasPrefix(digits, "86") && len(digits) == 13 {
			prefix, digits = prefix+"86", digits[2:]
		}
		if len(digits) <= 7 {
			return prefix + strings.Repeat("*", len(digits))
		}
		return prefix + digits[:3] + strings.Repeat("*", len(digits)-7) + digits[len(digits)-4:]
	})
}
