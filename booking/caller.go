package booking

import "strings"

// CallerNumber reads the caller's number from a call's From as the 114
// centre's SIP trunk sends it: sip:+8613800138000@trunk, sips:…,
// sip:13900001111@host;user=phone, tel:+86…, or a plain number. A mainland
// mobile comes back in E.164; anything else (a landline, an anonymous
// caller) as the bare user part, so a per-caller limit still has a key.
func CallerNumber(from string) string {
	s := strings.TrimSpace(from)
	for _, scheme := range []string{"sips:", "sip:", "tel:"} {
		if len(s) >= len(scheme) && strings.EqualFold(s[:len(scheme)], scheme) {
			s = s[len(scheme):]
			break
		}
	}
	if at := strings.IndexByte(s, '@'); at >= 0 {
		s = s[:at]
	}
	if semi := strings.IndexAny(s, ";?"); semi >= 0 {
		s = s[:semi]
	}
	if phone, err := NormalizeMobile(s); err == nil {
		return phone
	}
	return s
}
