package ivr_test

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/beevik/etree"
)

// The TwiML rules every IVR response must keep (Twilio's <Say>, <Gather>,
// <Dial>, <Sip>, <Number> references): only Twilio's verbs, nouns and
// attributes; no empty <Say>; one language per <Say> (Chinese only in a
// Mandarin-voiced one, English words only in an English one); no prompt
// offers a key that Twilio does not deliver (a lone #).
var twimlAttrs = map[string]map[string]bool{
	"Say": set("voice", "language", "loop"),
	"Gather": set("action", "method", "timeout", "numDigits", "finishOnKey", "input", "language", "speechTimeout",
		"actionOnEmptyResult", "hints", "speechModel", "profanityFilter", "partialResultCallback", "enhanced", "bargeIn"),
	"Dial": set("action", "method", "timeout", "callerId", "hangupOnStar", "timeLimit", "record", "answerOnBridge",
		"ringTone", "trim"),
	"Sip":      set("username", "password", "url", "method", "statusCallback", "statusCallbackEvent", "statusCallbackMethod"),
	"Number":   set("byoc", "sendDigits", "url", "method", "statusCallback", "statusCallbackEvent", "statusCallbackMethod"),
	"Hangup":   set(),
	"Pause":    set("length"),
	"Redirect": set("method"),
	"prosody":  set("rate"), // SSML inside <Say>: lower-case, the rate only
}

var (
	topVerbs    = set("Say", "Gather", "Dial", "Hangup", "Pause", "Redirect")
	gatherInner = set("Say", "Pause")
	dialNouns   = set("Sip", "Number")
	latinWord   = regexp.MustCompile(`[A-Za-z]{2,}`)
	byocSID     = regexp.MustCompile(`^BY[0-9a-fA-F]{32}$`)
	mandarin    = map[string]bool{"cmn-CN": true}
	english     = map[string]bool{"en-US": true}
)

func set(names ...string) map[string]bool {
	m := map[string]bool{}
	for _, n := range names {
		m[n] = true
	}
	return m
}

// twimlViolations lists every rule the document breaks.
func twimlViolations(root *etree.Element) []string {
	var bad []string
	add := func(format string, args ...any) { bad = append(bad, fmt.Sprintf(format, args...)) }
	for _, el := range root.ChildElements() {
		if !topVerbs[el.Tag] {
			add("<%s> is not a Twilio verb here", el.Tag)
			continue
		}
		checkAttrs(el, add)
		switch el.Tag {
		case "Say":
			checkSay(el, false, add)
		case "Gather":
			checkGather(el, add)
		case "Dial":
			checkDial(el, add)
		}
	}
	return bad
}

func checkAttrs(el *etree.Element, add func(string, ...any)) {
	for _, a := range el.Attr {
		if !twimlAttrs[el.Tag][a.Key] {
			add("<%s %s=…> is not a Twilio attribute", el.Tag, a.Key)
		}
	}
}

// sayText is what a <Say> speaks: its text, or that of its SSML
// <prosody> (the only SSML the IVR writes, with a rate in percent).
func sayText(el *etree.Element) string {
	text := el.Text()
	for _, in := range el.ChildElements() {
		text += in.Text()
	}
	return text
}

var prosodyRate = regexp.MustCompile(`^[1-9][0-9]%$`)

func checkSay(el *etree.Element, multiKey bool, add func(string, ...any)) {
	for _, in := range el.ChildElements() {
		checkAttrs(in, add)
		if in.Tag != "prosody" || len(in.ChildElements()) > 0 || !prosodyRate.MatchString(in.SelectAttrValue("rate", "")) {
			add("<Say> holds <%s rate=%q>: only SSML <prosody rate=\"NN%%\"> with text", in.Tag, in.SelectAttrValue("rate", ""))
		}
	}
	text := strings.TrimSpace(sayText(el))
	lang, voice := el.SelectAttrValue("language", ""), el.SelectAttrValue("voice", "")
	switch {
	case text == "":
		add("empty <Say>")
	case voice == "" || lang == "":
		add("<Say> without voice or language: %s", text)
	case strings.ContainsFunc(text, func(r rune) bool { return unicode.Is(unicode.Han, r) }) && !mandarin[lang]:
		add("Chinese in a %s <Say>: %s", lang, text)
	case mandarin[lang] && latinWord.MatchString(text):
		add("English words in a Mandarin <Say>: %s", text)
	case !mandarin[lang] && !english[lang]:
		add("<Say language=%q> is neither the Mandarin nor the English voice", lang)
	}
	offersHash := strings.Contains(text, "井号") || strings.Contains(strings.ToLower(text), "pound")
	if offersHash && !multiKey {
		add("offers # where Twilio would not deliver it (a lone # never arrives): %s", text)
	}
}

func checkGather(el *etree.Element, add func(string, ...any)) {
	n, _ := strconv.Atoi(el.SelectAttrValue("numDigits", "0"))
	if v := el.SelectAttrValue("numDigits", ""); v != "" && n < 1 {
		add("numDigits=%q", v)
	}
	if t, err := strconv.Atoi(el.SelectAttrValue("timeout", "5")); err != nil || t < 1 {
		add("gather timeout %q", el.SelectAttrValue("timeout", ""))
	}
	if f := el.SelectAttrValue("finishOnKey", "#"); len(f) > 1 || !strings.Contains("0123456789#*", f) {
		add("finishOnKey=%q", f)
	}
	switch el.SelectAttrValue("input", "dtmf") {
	case "dtmf", "speech", "dtmf speech", "speech dtmf":
	default:
		add("gather input %q", el.SelectAttrValue("input", ""))
	}
	for _, in := range el.ChildElements() {
		if !gatherInner[in.Tag] {
			add("<%s> inside <Gather>", in.Tag)
			continue
		}
		checkAttrs(in, add)
		if in.Tag == "Say" {
			checkSay(in, n != 1, add) // # only ends a multi-key entry
		}
	}
}

func checkDial(el *etree.Element, add func(string, ...any)) {
	for _, a := range []string{"action", "timeout", "callerId"} {
		if el.SelectAttrValue(a, "") == "" {
			add("<Dial> without %s", a)
		}
	}
	nouns := el.ChildElements()
	if len(nouns) != 1 || !dialNouns[nouns[0].Tag] || strings.TrimSpace(el.Text()) != "" {
		add("<Dial> must hold one <Sip> or <Number>")
		return
	}
	noun := nouns[0]
	checkAttrs(noun, add)
	target := strings.TrimSpace(noun.Text())
	switch noun.Tag {
	case "Sip":
		checkSipURI(target, add)
	case "Number":
		if strings.HasPrefix(target, "+86") && !byocSID.MatchString(noun.SelectAttrValue("byoc", "")) {
			add("<Number>%s</Number> without a BYOC trunk: Twilio places no calls to +86", target)
		}
	}
}

func checkSipURI(uri string, add func(string, ...any)) {
	base, headers, _ := strings.Cut(uri, "?")
	if !strings.HasPrefix(base, "sip:") || !strings.Contains(base, "@") {
		add("<Sip>%s</Sip> is not a SIP URI", uri)
	}
	if len(headers) >= 1024 {
		add("SIP headers of %d characters (Twilio's limit is 1024)", len(headers))
	}
	q, err := url.ParseQuery(headers)
	if err != nil {
		add("SIP headers not URL-encoded: %v", err)
	}
	for k := range q {
		if !strings.HasPrefix(strings.ToLower(k), "x-") || strings.HasPrefix(strings.ToLower(k), "x-twilio") {
			add("SIP header %q must be X- and not X-Twilio", k)
		}
	}
}

// readGather notes the current <Gather>'s keys and the <Dial>'s action.
func (p *phone) readGather(xml string) {
	p.finish, p.digits, p.dial = "", 0, ""
	doc := etree.NewDocument()
	if doc.ReadFromString(xml) != nil || doc.Root() == nil {
		return
	}
	if g := doc.Root().SelectElement("Gather"); g != nil {
		p.finish = g.SelectAttrValue("finishOnKey", "")
		p.digits, _ = strconv.Atoi(g.SelectAttrValue("numDigits", "0"))
	}
	if d := doc.Root().SelectElement("Dial"); d != nil {
		p.dial = strings.TrimPrefix(d.SelectAttrValue("action", ""), publicURL)
	}
}
