package tts

import "strings"

// Clauses splits a prompt at its clause punctuation. Each clause is
// rendered and cached on its own, so the dynamic parts of a prompt (a
// reference read digit by digit, "幺，二，三", a date, a period) come from
// a small set of cached clips instead of one synthesis per call: the
// closing prompt of every booking differs only in its digits.
func Clauses(text string) []string {
	var out []string
	var b strings.Builder
	flush := func() {
		if s := strings.TrimSpace(b.String()); s != "" {
			out = append(out, s)
		}
		b.Reset()
	}
	for _, r := range text {
		b.WriteRune(r)
		if strings.ContainsRune("，。；：！？、,;:!?", r) {
			flush()
		}
	}
	flush()
	return out
}
