package ivr

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/twilio/twilio-go/twiml"
)

// Transfer kinds: how a caller reaches the 114 centre's agents.
const (
	TransferSIP    = "sip"    // <Dial><Sip>: back to the centre's exchange
	TransferNumber = "number" // <Dial><Number>, through a BYOC trunk for +86
)

// ContextHeader is the SIP header carrying the call's context to the
// agent's desktop. Twilio passes X- headers appended to the SIP URI.
const ContextHeader = "X-Yuyue-Context"

// maxHeaders keeps the URI's header part under Twilio's 1024-character
// limit (warning 21227), which would otherwise drop it.
const maxHeaders = 1000

// Transfer is where 0 (or the third failure) sends a caller. Twilio places
// no calls to +86 numbers: a mainland target is a SIP URI or goes through
// the carrier's BYOC trunk.
type Transfer struct {
	Kind     string // TransferSIP or TransferNumber; empty = no operator
	Address  string // the SIP URI or E.164 number
	BYOC     string // BYOC trunk SID for a number
	CallerID string // <Dial callerId>
	Timeout  int    // seconds the agents may ring before the action says no-answer
}

// dialVerb builds the <Dial> to the operator. Its action reports how the
// transfer ended; seq ties that report to the step that dialled, so a late
// or repeated report replays instead of acting twice.
func (v *Voice) dialVerb(base, seq, context string) twiml.Element {
	t := v.Operator
	d := &twiml.VoiceDial{
		Action:   fmt.Sprintf("%s/twilio/voice/dial?step=%s&seq=%s", base, StepOperator, seq),
		Method:   "POST",
		Timeout:  fmt.Sprint(t.Timeout),
		CallerId: t.CallerID,
	}
	if t.Kind == TransferSIP {
		d.InnerElements = []twiml.Element{&twiml.VoiceSip{SipUrl: sipWithContext(t.Address, context)}}
	} else {
		d.InnerElements = []twiml.Element{&twiml.VoiceNumber{PhoneNumber: t.Address, Byoc: t.BYOC}}
	}
	return d
}

// sipWithContext appends the context header to a SIP URI, URL-encoded as
// Twilio expects (sip:agents@pbx?X-Yuyue-Context=step%3Dcode…).
func sipWithContext(uri, context string) string {
	if context == "" {
		return uri
	}
	h := ContextHeader + "=" + url.QueryEscape(context)
	for len(h) > maxHeaders { // drop trailing fields rather than the header
		i := strings.LastIndex(context, ";")
		if i < 0 {
			return uri
		}
		context = context[:i]
		h = ContextHeader + "=" + url.QueryEscape(context)
	}
	return uri + "?" + h
}

// agentContext is what the agent's desktop may see: the console's context
// without the (masked) ID number, which never leaves yuyue over SIP.
func agentContext(console string) string {
	var keep []string
	for _, f := range strings.Split(console, "; ") {
		if f != "" && !strings.HasPrefix(f, "id=") && !strings.HasSuffix(f, "=") {
			keep = append(keep, f)
		}
	}
	return strings.Join(keep, ";")
}

// HasOperator reports whether calls can be transferred.
func (v *Voice) HasOperator() bool { return v.Operator.Kind != "" && v.Operator.Address != "" }
