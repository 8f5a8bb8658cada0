package ivr

import (
	"fmt"

	"github.com/twilio/twilio-go/twiml"
)

// Voice is the spoken side of the configuration.
type Voice struct {
	ZHLanguage, ZHVoice string
	ENLanguage, ENVoice string
	SpeechLanguage      string // <Gather language>: names are Mandarin in either language
	Operator            Transfer
	Timeout             int // seconds a <Gather> waits
	// ElderAge: a verified caller this old or older (by the ID number's
	// birth date) hears the operator hint first and slower prompts; 0 off.
	ElderAge int
}

// view is what the caller hears next: spoken lines, then either a gather
// for a step, a transfer, or a hang-up.
type view struct {
	lines  []string
	gather *gatherSpec
	end    string // "", "hangup" or "operator"
	seq    string // the call's sequence, for the <Dial> action
	agent  string // context for the agents' desktop, sent as a SIP header
	rate   int    // speaking rate in percent of normal; 0 or 100 is normal
}

type gatherSpec struct {
	step, seq   string
	numDigits   int
	finishOnKey string
	speech      bool
}

// render builds the TwiML document of a view. Each <Say> speaks one
// language (see says); a view with nothing to say renders no <Say>.
func (v *Voice) render(lang, base string, w view) (string, error) {
	says := v.says(lang, w.lines, w.rate)
	var verbs []twiml.Element
	switch {
	case w.gather != nil:
		verbs = append(verbs, v.gatherVerb(base, w.gather, says))
	case w.end == "operator":
		verbs = append(append(verbs, says...), v.dialVerb(base, w.seq, w.agent))
	default:
		verbs = append(append(verbs, says...), &twiml.VoiceHangup{})
	}
	return twiml.Voice(verbs)
}

func (v *Voice) gatherVerb(base string, g *gatherSpec, says []twiml.Element) twiml.Element {
	el := &twiml.VoiceGather{
		Action:              fmt.Sprintf("%s/twilio/voice/gather?step=%s&seq=%s", base, g.step, g.seq),
		Method:              "POST",
		Timeout:             fmt.Sprint(v.Timeout),
		ActionOnEmptyResult: "true",
		Input:               "dtmf",
		InnerElements:       says,
	}
	if g.numDigits > 0 {
		el.NumDigits = fmt.Sprint(g.numDigits)
	}
	if g.finishOnKey != "" {
		el.FinishOnKey = g.finishOnKey
	}
	if g.speech {
		// A Chinese name is recognised in Mandarin in English mode too.
		el.Input, el.SpeechTimeout, el.Language = "speech dtmf", "auto", v.SpeechLanguage
	}
	return el
}
