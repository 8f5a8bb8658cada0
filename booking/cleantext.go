package booking

import (
	"strings"
	"unicode"
)

// CleanText removes what must never reach a screen or the database from
// text that came from a caller (speech-recognised names): control
// characters (U+0000–U+001F, U+007F–U+009F), bidirectional overrides and
// marks (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C) that could
// make a name read backwards, and zero-width characters (U+200B–U+200D,
// U+2060, U+FEFF) that make two names look alike. Spaces are trimmed.
func CleanText(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || hiddenRune(r) {
			return -1
		}
		return r
	}, s))
}

func hiddenRune(r rune) bool {
	switch {
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069, r >= 0x200B && r <= 0x200F:
		return true
	case r == 0x061C, r == 0x2060, r == 0xFEFF, r == 0x180E:
		return true
	}
	return false
}
