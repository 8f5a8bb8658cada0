// Package ivr is the 114 voice channel: a state machine over Twilio
// webhooks that registers, books, queries and cancels, with prompts from one
// catalog per language and TwiML built with twilio-go's twiml package.
package ivr

import "fmt"

// Languages the IVR speaks.
const (
	LangZH = "zh"
	LangEN = "en"
)

// catalogs hold every sentence the IVR says, per language. Handlers refer to
// keys only.
var catalogs = map[string]map[string]string{LangZH: promptsZH, LangEN: promptsEN}

// say renders prompt key in lang with args; a missing key falls back to
// Mandarin so a caller is never left in silence.
func say(lang, key string, args ...any) string {
	p, ok := catalogs[lang][key]
	if !ok {
		p = promptsZH[key]
	}
	if len(args) == 0 {
		return p
	}
	return fmt.Sprintf(p, args...)
}
