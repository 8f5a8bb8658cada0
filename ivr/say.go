package ivr

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/twilio/twilio-go/twiml"
)

// segment is text in one language.
type segment struct {
	lang string
	text string
}

// says turns the lines of a view into <Say> verbs, one language each: an
// English voice cannot read Chinese office names, addresses and notices
// from the catalog, and a Mandarin voice mangles "For English, press 9".
// Chinese text goes to the Mandarin voice in either mode; English words
// (two letters or more, so the X of an ID number stays Chinese) to the
// English voice. Lines with nothing to say render nothing. A rate other
// than 100 (percent) wraps each text in SSML <prosody rate="…%">, which
// Twilio honours for its Polly and Google voices (the defaults are Polly).
// twilio-go's own VoiceProsody renders <Prosody>, which Twilio rejects
// (warning 12200; twilio-go issues 207 and 220): prosody is ours.
func (v *Voice) says(lang string, lines []string, rate int) []twiml.Element {
	var els []twiml.Element
	for _, s := range segments(lang, strings.Join(lines, " ")) {
		sayLang, voice := v.ZHLanguage, v.ZHVoice
		if s.lang == LangEN {
			sayLang, voice = v.ENLanguage, v.ENVoice
		}
		say := &twiml.VoiceSay{Message: s.text, Voice: voice, Language: sayLang}
		if rate > 0 && rate != 100 {
			say.Message = ""
			say.InnerElements = []twiml.Element{prosody{rate: fmt.Sprintf("%d%%", rate), words: s.text}}
		}
		els = append(els, say)
	}
	return els
}

// segments splits text into runs of one language. Digits, spaces and
// punctuation belong to the run they follow (or the first run). A run is
// a stretch of text as it stands: the neutral text before the first run,
// the run's words and the neutral words after them, up to the next word
// of another language.
func segments(lang string, text string) []segment {
	var out []segment
	runStart := -1 // where the current run began in text
	runLang := ""
	forEachWord(text, func(start, end int, class int) {
		wl := wordLang(lang, class, text[start:end])
		switch {
		case wl == "" || wl == runLang:
			return // neutral (before the first run too), or the same language
		case runStart >= 0:
			out = append(out, segment{lang: runLang, text: text[runStart:start]})
		default:
			start = 0 // the first run takes the neutral text before it
		}
		runStart, runLang = start, wl
	})
	switch {
	case runStart >= 0:
		out = append(out, segment{lang: runLang, text: text[runStart:]})
	case hasSpeech(text):
		out = append(out, segment{lang: lang, text: text})
	}
	for i := range out {
		out[i].text = strings.TrimSpace(out[i].text)
	}
	return out
}

// forEachWord cuts text where the script changes and calls fn with each
// word's bounds and class: each Han character is a word, so is each run of
// Latin letters and each run of anything else.
func forEachWord(text string, fn func(start, end, class int)) {
	start, prev := 0, -1
	for i, r := range text {
		c := runeClass(r)
		if i > start && (c != prev || c == classHan) {
			fn(start, i, prev)
			start = i
		}
		prev = c
	}
	if start < len(text) {
		fn(start, len(text), prev)
	}
}

const (
	classNeutral = iota
	classHan
	classLatin
)

func runeClass(r rune) int {
	switch {
	case unicode.Is(unicode.Han, r), r >= 0xFF00 && r <= 0xFFEF && unicode.IsLetter(r):
		return classHan // CJK punctuation stays neutral: never a <Say> of its own
	case unicode.IsLetter(r) && r < 0x250:
		return classLatin
	}
	return classNeutral
}

// wordLang is the language a word of class must be spoken in, or "" for
// neutral text. A single Latin letter (the X of an ID number) goes with
// the surrounding Chinese in Mandarin mode.
func wordLang(lang string, class int, word string) string {
	switch class {
	case classHan:
		return LangZH
	case classLatin:
		if lang == LangZH && utf8.RuneCountInString(word) == 1 {
			return ""
		}
		return LangEN
	}
	return ""
}

// hasSpeech reports whether text has anything a voice would say.
func hasSpeech(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) })
}

// prosody is SSML's <prosody rate="…"> inside a <Say>, lower-case as SSML
// and Twilio's validator require.
type prosody struct{ rate, words string }

func (p prosody) GetName() string { return "prosody" }
func (p prosody) GetText() string { return p.words }
func (p prosody) GetAttr() (map[string]string, map[string]string) {
	return nil, map[string]string{"Rate": p.rate}
}
func (p prosody) GetInnerElements() []twiml.Element { return nil }
