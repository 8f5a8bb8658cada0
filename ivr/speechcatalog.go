package ivr

import (
	"regexp"
	"slices"

	"yuyue/booking"
	"yuyue/tts"
)

// verb marks where a prompt's argument goes.
var verb = regexp.MustCompile(`%[sd]`)

// SpeechCatalog is every clause the IVR can say in lang with this service's
// catalog and booking window, as the SIP front end renders them (one clip
// per tts.Clauses clause): each prompt's fixed clauses, each list option
// (business, district, office, date, period) at each key, the digits a
// reference is read with, and the catalog parts of the confirmation.
// Clauses joining two dynamic parts (a date with its period) are left to
// their first call. `yuyue prompts render` renders them all ahead.
func SpeechCatalog(svc *booking.Service, lang string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(line string) {
		for _, c := range tts.Clauses(line) {
			if !seen[c] && hasSpeech(c) {
				seen[c] = true
				out = append(out, c)
			}
		}
	}
	keys := make([]string, 0, len(promptsZH))
	for k := range promptsZH {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		p := say(lang, k)
		if !verb.MatchString(p) {
			add(p)
			continue
		}
		for _, c := range tts.Clauses(verb.ReplaceAllString(p, "\x00")) {
			if !verb.MatchString(c) && !containsNUL(c) {
				add(c)
			}
		}
	}
	cat := svc.Catalog
	var labels []string
	for _, b := range cat.Businesses {
		name := b.Name
		if lang == LangEN && b.NameEn != "" {
			name = b.NameEn
		}
		labels = append(labels, name)
		add(say(lang, "confirm", name, "", "", "", "")) // its clause of the confirmation
	}
	for _, d := range cat.Districts {
		name := d.Name
		if lang == LangEN && d.NameEn != "" {
			name = d.NameEn
		}
		labels = append(labels, name)
	}
	periods := map[string]bool{}
	for _, o := range cat.Offices {
		labels = append(labels, o.Name)
		add(say(lang, "confirm", "", o.Name, o.Address, "", ""))
		for _, p := range o.Periods {
			if pt := periodText(lang, p.Start, p.End); !periods[pt] {
				periods[pt] = true
				labels = append(labels, pt)
			}
		}
	}
	for _, d := range svc.Window() {
		labels = append(labels, dateText(lang, d))
	}
	for _, l := range labels {
		for i := 1; i <= pageSize; i++ {
			add(say(lang, "item", l, i))
		}
	}
	add(digitsText(lang, "0123456789"))
	return out
}

func containsNUL(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			return true
		}
	}
	return false
}
