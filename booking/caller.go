package booking

import (
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// CallerNumber returns the calling number a Twilio From carries, in E.164:
// a plain number, or the user part of a sip:/tel: URI from the 114
// centre's trunk. It returns "" when there is no real number: empty,
// anonymous or restricted (Twilio's placeholders are not valid numbers),
// or a SIP user that is a name. Callers without one share a single rate
// bucket, so hiding the number gains nothing.
func CallerNumber(from string) string {
	s := strings.TrimSpace(from)
	low := strings.ToLower(s)
	for _, scheme := range []string{"sip:", "sips:", "tel:"} {
		if strings.HasPrefix(low, scheme) {
			s = s[len(scheme):]
			break
		}
	}
	s, _, _ = strings.Cut(s, "@")
	s, _, _ = strings.Cut(s, ";")
	if s == "" {
		return ""
	}
	e164, _ := callers.get(s, parseCaller)
	return e164
}

var callers phoneMemo

func parseCaller(s string) (string, error) {
	num, err := phonenumbers.Parse(s, "CN")
	if err != nil || !phonenumbers.IsValidNumber(num) {
		return "", nil
	}
	return phonenumbers.Format(num, phonenumbers.E164), nil
}
