package booking

import (
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// NormalizeMobile parses a mainland China mobile number in any usual form
// (13800138000, +86 138 0013 8000, 0086…) and returns it in E.164.
func NormalizeMobile(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", Errorf(EInvalid, "phone number is empty")
	}
	return mobiles.get(raw, parseMobile)
}

var mobiles phoneMemo

func parseMobile(raw string) (string, error) {
	num, err := phonenumbers.Parse(raw, "CN")
	if err != nil {
		return "", Errorf(EInvalid, "phone number cannot be parsed")
	}
	if num.GetCountryCode() != 86 || !phonenumbers.IsValidNumberForRegion(num, "CN") {
		return "", Errorf(EInvalid, "phone number is not a mainland number")
	}
	if phonenumbers.GetNumberType(num) != phonenumbers.MOBILE {
		return "", Errorf(EInvalid, "phone number is not a mobile number")
	}
	return phonenumbers.Format(num, phonenumbers.E164), nil
}

// MaskPhone shows the first three and last four national digits:
// +8613800138000 → 138****8000.
func MaskPhone(e164 string) string {
	n := strings.TrimPrefix(e164, "+86")
	if len(n) != 11 {
		return "***"
	}
	return n[:3] + "****" + n[7:]
}
