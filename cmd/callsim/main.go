// Command callsim is a terminal phone: it plays Twilio against a running
// yuyue, shows what <Say> says, takes keys and typed "speech", follows
// Gather actions, Redirect, Hangup and Dial, signs every request with the
// auth token, and shows SMS arriving in the development inbox.
//
// Interactive:  go run ./cmd/callsim
// Scripted:     go run ./cmd/callsim --new --script '1,id,say:张三,1,1,code,1,1,1,1,1,2,1,1'
// Call back:    go run ./cmd/callsim --from last --script '…'
//
// --new calls from a fresh random mainland mobile (+86139…), remembered so
// that --from last calls back as the same citizen; --from picks any number.
//
// Script tokens, separated by commas: keys as pressed (# ends an entry),
// id for a fresh valid ID number (or --id) followed by #, say:TEXT for
// speech, code for the latest SMS code, hangup.
//
// Over SIP:     go run ./cmd/callsim --sip sip:114@127.0.0.1:5060 --from last --script '…'
//
// --sip places a real SIP call (diago, RTP, keys as RFC 4733 events) to a
// development server with sip.listen set, and prints each prompt's text from
// the server's development side channel /dev/sip/prompts (the audio itself
// is not transcribed). The caller's number goes as P-Asserted-Identity.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"yuyue/webhook"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := runWith(ctx, os.Args[1:], os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "callsim:", err)
		os.Exit(1)
	}
}

// runWith is run, with --help no failure: the usage is printed, exit 0.
func runWith(ctx context.Context, args []string, stdin io.Reader, out io.Writer) error {
	if err := run(ctx, args, stdin, out); !errors.Is(err, flag.ErrHelp) {
		return err
	}
	return nil
}

func run(ctx context.Context, args []string, stdin io.Reader, out io.Writer) error {
	fs := flag.NewFlagSet("callsim", flag.ContinueOnError)
	base := fs.String("url", "http://127.0.0.1:8080", "where yuyue listens")
	public := fs.String("public-url", "", "yuyue's public_url, used for signatures (default: --url)")
	token := fs.String("token", os.Getenv("YUYUE_TWILIO_AUTH_TOKEN"), "Twilio auth token (empty: development mode's)")
	from := fs.String("from", "", "the calling number, or last for the latest --new caller (default +8613800138000)")
	isNew := fs.Bool("new", false, "call as an unregistered caller from a fresh random mobile number")
	id := fs.String("id", "", "ID number the id token keys (default: a fresh valid one)")
	script := fs.String("script", "", "comma-separated inputs (see package doc); empty: interactive")
	file := fs.String("file", "", "read the script from a file, one token per line")
	sipTarget := fs.String("sip", "", "call over SIP/RTP instead, e.g. sip:114@127.0.0.1:5060 (server in development mode with sip.listen)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if *public == "" {
		*public = *base
	}
	caller, idNumber, err := pickCaller(strings.TrimRight(*base, "/"), *isNew, *from, *id)
	if err != nil {
		return err
	}
	ph := &phone{base: strings.TrimRight(*base, "/"), public: strings.TrimRight(*public, "/"), token: devToken(*token),
		from: caller, idNumber: idNumber, out: out}
	var in inputs
	switch {
	case *file != "":
		b, err := os.ReadFile(*file)
		if err != nil {
			return err
		}
		in = &scripted{tokens: splitTokens(string(b), "\n")}
	case *script != "":
		in = &scripted{tokens: splitTokens(*script, ",")}
	default:
		in = &interactive{r: bufio.NewReader(stdin), out: out}
	}
	if *sipTarget != "" {
		return ph.callSIP(ctx, *sipTarget, in)
	}
	return ph.call(ctx, in)
}

// splitTokens keeps empty tokens: an empty token is silence until the
// gather's timeout (empty Digits), as the README says. Only empty tokens
// at the end (a trailing comma or newline) are dropped.
func splitTokens(s, sep string) []string {
	var out []string
	for _, t := range strings.Split(s, sep) {
		out = append(out, strings.TrimSpace(t))
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return out
}

// inputs supply what the caller does at each gather.
type inputs interface {
	next(prompt string) (string, bool)
}

type scripted struct {
	tokens []string
	i      int
}

func (s *scripted) next(string) (string, bool) {
	if s.i >= len(s.tokens) {
		return "", false
	}
	s.i++
	return s.tokens[s.i-1], true
}

type interactive struct {
	r   *bufio.Reader
	out io.Writer
}

func (in *interactive) next(prompt string) (string, bool) {
	fmt.Fprintf(in.out, "  keys (or say:TEXT, code, hangup) %s> ", prompt)
	line, err := in.r.ReadString('\n')
	if err != nil && line == "" {
		return "", false
	}
	return strings.TrimSpace(line), true
}

// devToken is the token to sign with: development mode's when none is given.
func devToken(token string) string {
	if token == "" {
		return webhook.DevAuthToken
	}
	return token
}
