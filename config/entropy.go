package config

import (
	"math"
	"strconv"
	"strings"
	"unicode"
)

// MinSecretBits is the least entropy a secret_key or push token must carry
// once everything a person would type is taken out: a random 32-character
// hex string (128 bits) passes even with a chance "123" in it; a phrase of
// words, the project's name or a keyboard row around a few random
// characters does not.
const MinSecretBits = 96

// guessable are words people build secrets from, lower-case; each is
// matched case-insensitively and through common letter-for-digit swaps
// (p@ssw0rd). Short, on purpose: a word list is not a password cracker,
// it stops the secrets people actually paste into config files.
var guessable = strings.Fields(`
	yuyue yuyu 预约 shenzhen szga police household hukou booking appointment
	password passwd passw pass secret secrets key keys token tokens push aliyun twilio sms
	test testing example sample demo default change changeme letmein welcome hello admin
	root user login master super strong random string production prod staging develop
	development local server service config private public access least characters chars
	char long very this that with from your our the and for not only must use one two
	qwerty dragon monkey sunshine iloveyou love football baseball princess shadow trustno
	abc xyz foo bar baz lorem ipsum`)

// weakSecret says why a secret (secret_key, a push token) is too weak to
// protect what it protects, or "".
func weakSecret(s string) string {
	switch {
	case strings.TrimSpace(s) == "":
		return "required outside development: a random string of 32+ characters"
	case len(s) < MinSecretLen:
		return "too short: use a random string of 32+ characters (e.g. openssl rand -hex 32)"
	case distinctRunes(s) < 10:
		return "too weak: fewer than 10 distinct characters; use a random string (e.g. openssl rand -hex 32)"
	case repeated(s):
		return "too weak: a short pattern repeated; use a random string (e.g. openssl rand -hex 32)"
	}
	if bits := secretBits(s); bits < MinSecretBits {
		return "too weak: words, the project's name, alphabets, keyboard rows and repeats leave about " +
			strconv.Itoa(int(bits)) + " bits of randomness, fewer than " + strconv.Itoa(MinSecretBits) + "; use a random string (e.g. openssl rand -hex 32)"
	}
	return ""
}

// secretBits estimates the randomness left in s once the guessable parts
// are marked. Each unmarked character counts log2 of the alphabet the
// unmarked characters are drawn from, except that a run of letters that
// reads like a word counts as one word of a large dictionary, and a
// separator used again counts once.
func secretBits(s string) float64 {
	r := []rune(s)
	marked := make([]bool, len(r))
	markWords(r, marked)
	markRuns(r, marked, 1, 3)
	markRuns(r, marked, 2, 4) // interleaved: 9f8e7d6c…
	markRepeats(r, marked)
	var left []rune
	for i, c := range r {
		if !marked[i] {
			left = append(left, c)
		}
	}
	perChar := math.Log2(float64(alphabet(left)))
	bits, seenSep := 0.0, map[rune]bool{}
	for _, seg := range segments(r, marked) {
		switch {
		case wordLike(seg):
			bits += min(float64(len(seg))*perChar, wordBits)
		case len(seg) == 1 && !isAlnum(seg[0]):
			if !seenSep[seg[0]] {
				bits += perChar
			}
			seenSep[seg[0]] = true
		default:
			bits += float64(len(seg)) * perChar
		}
	}
	return bits
}

// wordBits is what one word from a dictionary of a million words is worth.
const wordBits = 20

// segments splits the unmarked characters into runs of one class
// (letters, digits, others), also cut where a marked part lies between.
func segments(r []rune, marked []bool) [][]rune {
	var out [][]rune
	var cur []rune
	for i, c := range r {
		if marked[i] || (len(cur) > 0 && class(cur[len(cur)-1]) != class(c)) {
			if len(cur) > 0 {
				out = append(out, cur)
			}
			cur = nil
		}
		if !marked[i] {
			cur = append(cur, c)
		}
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

func class(c rune) int {
	switch {
	case unicode.IsLetter(c):
		return 0
	case unicode.IsDigit(c):
		return 1
	}
	return 2
}

func isAlnum(c rune) bool { return class(c) < 2 }

// wordLike: four or more letters, lower-case or capitalised, with a vowel.
func wordLike(seg []rune) bool {
	if len(seg) < 4 || class(seg[0]) != 0 {
		return false
	}
	vowel := false
	for i, c := range seg {
		if class(c) != 0 || (i > 0 && unicode.IsUpper(c)) {
			return false
		}
		vowel = vowel || strings.ContainsRune("aeiouAEIOU", c)
	}
	return vowel
}

// markWords marks guessable words, also spelt with digits for letters.
func markWords(r []rune, marked []bool) {
	lower := []rune(strings.ToLower(string(r)))
	for _, form := range []map[rune]rune{nil, leetI, leetL} {
		norm := make([]rune, len(lower))
		for i, c := range lower {
			norm[i] = c
			if d, ok := form[c]; ok {
				norm[i] = d
			}
		}
		for _, w := range guessable {
			markAll(norm, []rune(w), marked)
		}
	}
}

var (
	leetI = map[rune]rune{'0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', '$': 's', '!': 'i'}
	leetL = map[rune]rune{'0': 'o', '1': 'l', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', '$': 's', '!': 'l'}
)

func markAll(s, w []rune, marked []bool) {
	for i := 0; i+len(w) <= len(s); i++ {
		if string(s[i:i+len(w)]) == string(w) {
			for j := range w {
				marked[i+j] = true
			}
		}
	}
}

// keyboard rows, as typed left to right (runs are matched both ways).
var keyboard = []string{"`1234567890-=", "~!@#$%^&*()_+", "qwertyuiop[]", "asdfghjkl;'", "zxcvbnm,./"}

// markRuns marks runs of at least min characters, taken every stride
// characters, that step one way through an alphabet or along a keyboard
// row, or repeat one character.
func markRuns(r []rune, marked []bool, stride, min int) {
	lower := []rune(strings.ToLower(string(r)))
	for off := range stride {
		var idx []int
		for i := off; i < len(lower); i += stride {
			idx = append(idx, i)
		}
		start, dir := 0, 0
		for k := 1; k <= len(idx); k++ {
			if k < len(idx) {
				d := step(lower[idx[k-1]], lower[idx[k]])
				if d != noStep && (k == start+1 || d == dir) {
					dir = d
					continue
				}
			}
			if k-start >= min {
				for _, i := range idx[start:k] {
					marked[i] = true
				}
			}
			start = k - 1
			if k < len(idx) {
				dir = step(lower[idx[k-1]], lower[idx[k]])
				if dir == noStep {
					start = k
				}
			}
		}
	}
}

var keyPositions = keyboardPositions()

// noStep: b neither follows a nor repeats it.
const noStep = 99

// step says how b follows a: 0 repeats it, ±1 one place on in an alphabet
// (10 and 11 along a keyboard row), noStep otherwise.
func step(a, b rune) int {
	if d := int(b - a); d >= -1 && d <= 1 && class(a) == class(b) {
		return d
	}
	pa, oka := keyPositions[a]
	pb, okb := keyPositions[b]
	if oka && okb && pa.row == pb.row {
		switch pb.col - pa.col {
		case 1:
			return 10
		case -1:
			return 11
		}
	}
	return noStep
}

type keyPos struct{ row, col int }

func keyboardPositions() map[rune]keyPos {
	m := map[rune]keyPos{}
	for row, keys := range keyboard {
		for col, k := range []rune(keys) {
			m[k] = keyPos{row, col}
		}
	}
	return m
}

// markRepeats marks every chunk of four or more characters seen before
// (case-insensitively): "Password123Password123xyz" counts one password.
func markRepeats(r []rune, marked []bool) {
	lr := []rune(strings.ToLower(string(r)))
	for i := 4; i+4 <= len(lr); i++ {
		if strings.Contains(string(lr[:i]), string(lr[i:i+4])) {
			for j := i; j < i+4; j++ {
				marked[j] = true
			}
		}
	}
}

// alphabet is the size of the character set s looks drawn from: hex, or
// the union of lower, upper, digits and symbols it uses.
func alphabet(s []rune) int {
	if len(s) == 0 {
		return 1
	}
	var lower, upper, digit, other, nonHex bool
	for _, c := range s {
		switch {
		case c >= 'a' && c <= 'z':
			lower, nonHex = true, nonHex || c > 'f'
		case c >= 'A' && c <= 'Z':
			upper, nonHex = true, nonHex || c > 'F'
		case c >= '0' && c <= '9':
			digit = true
		default:
			other = true
		}
	}
	if !nonHex && !other && !(lower && upper) {
		return 16
	}
	n := 0
	for _, c := range []struct {
		on   bool
		size int
	}{{lower, 26}, {upper, 26}, {digit, 10}, {other, 32}} {
		if c.on {
			n += c.size
		}
	}
	return n
}
