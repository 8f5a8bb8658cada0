package ivr

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// segmentsByWords is how segments was written before it cut text by its
// bounds: word by word, each run's text built by concatenation. It stays
// here as the reference the faster one must agree with.
func segmentsByWords(lang string, text string) []segment {
	var words []string
	forEachWord(text, func(start, end, _ int) { words = append(words, text[start:end]) })
	var out []segment
	var pending strings.Builder
	cur := -1
	for _, word := range words {
		wl := wordLang(lang, runeClass([]rune(word)[0]), word)
		switch {
		case wl == "" && cur < 0:
			pending.WriteString(word)
			continue
		case cur >= 0 && (wl == "" || wl == out[cur].lang):
			out[cur].text += word
			continue
		}
		out = append(out, segment{lang: wl, text: pending.String() + word})
		pending.Reset()
		cur = len(out) - 1
	}
	if cur < 0 && hasSpeech(pending.String()) {
		out = append(out, segment{lang: lang, text: pending.String()})
	}
	for i := range out {
		out[i].text = strings.TrimSpace(out[i].text)
	}
	return out
}

// TestSegmentsAgreeWithTheWordByWordSplit feeds both the same random
// mixes of Chinese, Latin words and single letters, digits, spaces and
// punctuation, half and full width.
func TestSegmentsAgreeWithTheWordByWordSplit(t *testing.T) {
	pieces := []string{"福田", "派出所", "户政室", "X", "x", "For", "English", "press", "9", "12", " ", "  ", "，", "。", ",", ".", "：", "Ａ", "é", "-", "\t"}
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 20000; i++ {
		var b strings.Builder
		for n := r.IntN(12); n > 0; n-- {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		text := b.String()
		for _, lang := range []string{LangZH, LangEN} {
			if got, want := segments(lang, text), segmentsByWords(lang, text); !reflect.DeepEqual(got, want) {
				t.Fatalf("segments(%s, %q) = %q, the word-by-word split gives %q", lang, text, got, want)
			}
		}
	}
}
