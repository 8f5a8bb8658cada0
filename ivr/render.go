package ivr

import (
	"fmt"
	"strings"

	"github.com/twilio/twilio-go/twiml"
)

// Voice is the spoken side of the configuration.
type Voice struct {
	ZHLanguage, ZHVoice string
	ENLanguage, ENVoice string
	SpeechLanguage      string // <Gather language> for Mandarin speech
	OperatorNumber      string
	OperatorQueue       string
	Timeout             int // seconds a <Gather> waits
}

// view is what the caller hears next: spoken lines, then either a gather
// for a step, a transfer, or a hang-up.
type view struct {
	lines  []string
	gather *gatherSpec
	end    string // "", "hangup" or "operator"
}

type gatherSpec struct {
	step, seq   string
	numDigits   int
	finishOnKey string
	speech      bool
}

// render builds the TwiML document of a view.
func (v *Voice) render(lang, base string, w view) (string, error) {
	sayLang, voice := v.ZHLanguage, v.ZHVoice
	if lang == LangEN {
		sayLang, voice = v.ENLanguage, v.ENVoice
	}
	text := strings.Join(w.lines, " ")
	sayEl := &twiml.VoiceSay{Message: text, Voice: voice, Language: sayLang}
	var verbs []twiml.Element
	switch {
	case w.gather != nil:
		verbs = append(verbs, v.gatherVerb(lang, base, w.gather, sayEl))
	case w.end == "operator":
		verbs = append(verbs, sayEl, v.transferVerb())
	default:
		verbs = append(verbs, sayEl, &twiml.VoiceHangup{})
	}
	return twiml.Voice(verbs)
}

func (v *Voice) gatherVerb(lang, base string, g *gatherSpec, sayEl twiml.Element) twiml.Element {
	el := &twiml.VoiceGather{
		Action:              fmt.Sprintf("%s/twilio/voice/gather?step=%s&seq=%s", base, g.step, g.seq),
		Method:              "POST",
		Timeout:             fmt.Sprint(v.Timeout),
		ActionOnEmptyResult: "true",
		Input:               "dtmf",
		InnerElements:       []twiml.Element{sayEl},
	}
	if g.numDigits > 0 {
		el.NumDigits = fmt.Sprint(g.numDigits)
	}
	if g.finishOnKey != "" {
		el.FinishOnKey = g.finishOnKey
	}
	if g.speech {
		el.Input, el.SpeechTimeout, el.Language = "speech dtmf", "auto", v.SpeechLanguage
		if lang == LangEN {
			el.Language = v.ENLanguage
		}
	}
	return el
}

func (v *Voice) transferVerb() twiml.Element {
	if v.OperatorQueue != "" {
		return &twiml.VoiceEnqueue{Name: v.OperatorQueue}
	}
	return &twiml.VoiceDial{Number: v.OperatorNumber}
}

// HasOperator reports whether calls can be transferred.
func (v *Voice) HasOperator() bool { return v.OperatorQueue != "" || v.OperatorNumber != "" }
