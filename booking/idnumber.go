package booking

import (
	"strings"
	"time"
)

// idWeights are the GB 11643 weights for the first 17 characters.
var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// idCheckChars maps the weighted sum mod 11 to the check character.
const idCheckChars = "10X98765432"

// NormalizeIDNumber validates an 18-character resident ID number (GB 11643:
// six-digit region, real birth date, sequence, MOD 11-2 check character with
// X allowed last) and returns it upper-cased. The birth date must not be after
// today, judged by now.
func NormalizeIDNumber(s string, now time.Time) (string, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if len(s) != 18 {
		return "", Errorf(EInvalid, "id number must have 18 characters")
	}
	sum := 0
	for i := 0; i < 17; i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return "", Errorf(EInvalid, "id number has a non-digit before the check character")
		}
		sum += int(c-'0') * idWeights[i]
	}
	if s[0] == '0' || s[0] == '9' {
		return "", Errorf(EInvalid, "id number region is not a mainland region")
	}
	if s[17] != idCheckChars[sum%11] {
		return "", Errorf(EInvalid, "id number check character does not match")
	}
	birth, err := time.Parse("20060102", s[6:14])
	if err != nil || birth.Year() < 1900 || birth.After(now) {
		return "", Errorf(EInvalid, "id number birth date is not a real date")
	}
	return s, nil
}

// IDCheckChar returns the check character for the first 17 digits; tests and
// fixtures use it to build valid numbers.
func IDCheckChar(first17 string) byte {
	sum := 0
	for i := 0; i < 17 && i < len(first17); i++ {
		sum += int(first17[i]-'0') * idWeights[i]
	}
	return idCheckChars[sum%11]
}

// MaskIDNumber shows the region and the last two characters only:
// 440305**********3X.
func MaskIDNumber(id string) string {
	if len(id) != 18 {
		return strings.Repeat("*", len(id))
	}
	return id[:6] + strings.Repeat("*", 10) + id[16:]
}

// MaskName keeps the first character of a name: 张三 → 张*, 欧阳娜娜 → 欧***.
func MaskName(name string) string {
	r := []rune(strings.TrimSpace(name))
	if len(r) == 0 {
		return ""
	}
	return string(r[0]) + strings.Repeat("*", max(len(r)-1, 1))
}

// AgeOn is the age in whole years on day of the citizen whose birth date an
// ID number carries (characters 7–14); false when it has none. Someone born
// on 29 February turns a year older on 1 March in common years.
func AgeOn(id string, day Date) (int, bool) {
	if len(id) != 18 {
		return 0, false
	}
	birth, err := time.Parse("20060102", id[6:14])
	if err != nil {
		return 0, false
	}
	age := day.Year - birth.Year()
	if day.Month < birth.Month() || day.Month == birth.Month() && day.Day < birth.Day() {
		age--
	}
	return age, age >= 0
}
