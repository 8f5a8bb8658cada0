package sms

import (
	"context"
	"strings"
	"unicode"

	"golang.org/x/text/width"

	"yuyue/booking"
)

// Command kinds a reply can carry (SPEC §4).
const (
	CmdConfirm = "confirm"
	CmdCancel  = "cancel"
	CmdQuery   = "query"
	CmdStop    = "stop"
	CmdHelp    = "help"
	// CmdReschedule (GY [reference]) asks how to reschedule (改约).
	CmdReschedule = "reschedule"
	// CmdName is "XM 张三": the name of a SIP caller, confirmed in writing
	// from the phone being verified.
	CmdName = "name"
	// CmdLeaveWaitlist (TC, 退出候补) ends the sender's live waitlist
	// (候补) entries; an offered place is released.
	CmdLeaveWaitlist = "leave_waitlist"
)

// Command is a parsed inbound SMS.
type Command struct {
	Kind string
	Ref  string // booking reference given with a cancel
	Name string // the name given with XM, as written
}

// aliases per command; the digit forms must stand alone (a bare number is
// not a command), the words may be followed by a reference.
var aliases = []struct {
	kind  string
	words []string
}{
	{CmdConfirm, []string{"确认", "QR"}},
	{CmdCancel, []string{"取消", "QX"}},
	{CmdQuery, []string{"查询", "CX"}},
	// Not STOP: Twilio's Advanced Opt-Out owns it and would block codes too.
	{CmdStop, []string{"退订", "TD"}},
	{CmdReschedule, []string{"改约", "GY"}},
	// 退出候补, not 退出 alone, and TC, not TD: neither is 退订/TD.
	{CmdLeaveWaitlist, []string{"退出候补", "TC"}},
}

// ParseCommand reads a reply case- and width-insensitively: ＱＸ, qx and QX
// are the same, and so are full-width and half-width digits.
func ParseCommand(body string) Command {
	folded := strings.TrimFunc(width.Fold.String(body), func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) })
	if name, ok := nameOf(folded); ok {
		return Command{Kind: CmdName, Name: name}
	}
	s := strings.ToUpper(folded)
	switch {
	case s == "1":
		return Command{Kind: CmdConfirm}
	case s == "2":
		return Command{Kind: CmdCancel}
	case strings.HasPrefix(s, "2 "):
		if ref := refOf(s[1:]); ref != "" {
			return Command{Kind: CmdCancel, Ref: ref}
		}
	}
	for _, a := range aliases {
		for _, w := range a.words {
			if !strings.HasPrefix(s, w) {
				continue
			}
			rest := strings.TrimSpace(s[len(w):])
			if rest == "" {
				return Command{Kind: a.kind}
			}
			if a.kind == CmdCancel || a.kind == CmdReschedule {
				if ref := refOf(rest); ref != "" {
					return Command{Kind: a.kind, Ref: ref}
				}
				// A mistyped reference is still a cancel: it matches no
				// booking and is answered so, not with the help text.
				if typo := digitsOf(rest); typo != "" {
					return Command{Kind: a.kind, Ref: typo}
				}
			}
		}
	}
	return Command{Kind: CmdHelp}
}

// nameOf reads "XM 张三" (also XM:张三, xm张三): the name keeps its case
// and inner spaces (a name in Latin letters).
func nameOf(s string) (string, bool) {
	if len(s) < 2 || !strings.EqualFold(s[:2], "XM") {
		return "", false
	}
	name := strings.TrimFunc(s[2:], func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) })
	if name == "" || name[0] < 0x80 && unicode.IsLetter(rune(name[0])) && s[2] != ' ' && s[2] != ':' {
		return "", false // XMAS, xmlong: a word, not the command
	}
	return name, true
}

// refOf returns rest as a reference when it is one (separators allowed).
func refOf(rest string) string {
	var b strings.Builder
	for _, r := range rest {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case unicode.IsSpace(r) || r == '-' || r == ':' || unicode.IsPunct(r):
		default:
			return ""
		}
	}
	if ref := b.String(); booking.ValidReference(ref) {
		return ref
	}
	return ""
}

// Reply is one message of an answer: a reply kind and its raw params.
type Reply struct {
	Kind   string
	Params map[string]string
}

func one(kind string, p map[string]string) []Reply { return []Reply{{Kind: kind, Params: p}} }

// Answer runs body, sent from the number from, as a command and returns the
// answer's messages. Every provider's inbound path (Twilio webhooks, Aliyun
// up-pushes) calls it, so the commands are one.
func (h *Inbound) Answer(ctx context.Context, from, body string) []Reply {
	cmd := ParseCommand(body)
	smsInbound.WithLabelValues(cmd.Kind).Inc()
	return h.answer(ctx, from, cmd)
}

// Text renders an answer as one text without the signature, its messages
// one per line: Twilio carries it in a single <Message>.
func (h *Inbound) Text(rs []Reply) string {
	lines := make([]string, 0, len(rs))
	for _, r := range rs {
		body, err := Renderer{}.Body(r.Kind, r.Params, "")
		if err != nil {
			h.Log.Error("sms inbound: render", "kind", r.Kind, "err", err)
			continue
		}
		lines = append(lines, body)
	}
	return strings.Join(lines, "\n")
}

func (h *Inbound) sig() string {
	if h.Signature != "" {
		return h.Signature
	}
	return Signature
}

// digitsOf returns the digits of rest when it holds digits and separators
// only, "" otherwise.
func digitsOf(rest string) string {
	var b strings.Builder
	for _, r := range rest {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case unicode.IsSpace(r) || unicode.IsPunct(r):
		default:
			return ""
		}
	}
	return b.String()
}
