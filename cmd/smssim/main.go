// Command smssim is a terminal phone for SMS: it sends a citizen's reply to
// a running yuyue the way the provider would deliver it, and prints what
// comes back.
//
//	go run ./cmd/smssim --from last CX
//	go run ./cmd/smssim --from +8613900001111 'QX 12345678'
//	go run ./cmd/smssim --provider aliyun --from last CX
//	go run ./cmd/smssim --provider aliyun --token PUSH_TOKEN --from last CX
//
// As Twilio (the default) it posts a signed form to /twilio/sms, exactly as
// Twilio signs it, and prints the TwiML <Message> reply. As Aliyun it posts
// the HTTP batch push (a JSON array) to /aliyun/sms/up/<token>, which a
// development server accepts whatever its provider (the token defaults to
// the development one, config.DevPushToken). Either way
// it then prints the messages yuyue queued for the number, read from the
// development inbox (development mode only): with Aliyun the reply itself
// travels that way, with Twilio the notices a command causes do.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"yuyue/booking"
	"yuyue/config"
	"yuyue/internal/lastcaller"
	"yuyue/webhook"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := runWith(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "smssim:", err)
		os.Exit(1)
	}
}

// runWith is run, with --help no failure: the usage is printed, exit 0.
func runWith(ctx context.Context, args []string, out io.Writer) error {
	if err := run(ctx, args, out); !errors.Is(err, flag.ErrHelp) {
		return err
	}
	return nil
}

// options are the command line.
type options struct {
	base, public, provider, token, from, to, body string
	wait                                          time.Duration
}

func parse(args []string) (options, error) {
	var o options
	fs := flag.NewFlagSet("smssim", flag.ContinueOnError)
	fs.StringVar(&o.base, "url", "http://127.0.0.1:8080", "where yuyue listens")
	fs.StringVar(&o.public, "public-url", "", "yuyue's public_url, used for Twilio signatures (default: --url)")
	fs.StringVar(&o.provider, "provider", "twilio", "deliver as twilio (signed form) or aliyun (JSON push)")
	fs.StringVar(&o.token, "token", "", "Twilio auth token (empty: development mode's), or Aliyun's push token (empty: development mode's)")
	fs.StringVar(&o.from, "from", "", "the sender's mobile number, or last for the latest `callsim --new` caller")
	fs.StringVar(&o.to, "to", "+15005550006", "the number the citizen replies to (Twilio's To)")
	fs.DurationVar(&o.wait, "wait", 3*time.Second, "how long to wait for messages yuyue queues for the number")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() == 0 {
		return o, errors.New("give the message text, e.g. CX")
	}
	o.body = strings.Join(fs.Args(), " ")
	if o.public == "" {
		o.public = o.base
	}
	o.base, o.public = strings.TrimRight(o.base, "/"), strings.TrimRight(o.public, "/")
	if o.provider != "twilio" && o.provider != "aliyun" {
		return o, fmt.Errorf("--provider must be twilio or aliyun, not %q", o.provider)
	}
	if o.provider == "aliyun" && o.token == "" {
		o.token = config.DevPushToken // a development server without aliyun.push_token
	}
	if o.token == "" {
		o.token = webhook.DevAuthToken // development mode checks webhooks against it
	}
	return o, o.resolveFrom()
}

func (o *options) resolveFrom() error {
	switch o.from {
	case "":
		return errors.New("--from is required: a mobile number, or last")
	case "last":
		n, err := lastcaller.Recall(o.base)
		o.from = n
		return err
	}
	n, err := booking.NormalizeMobile(o.from)
	if err != nil {
		return fmt.Errorf("--from %q: %w", o.from, err)
	}
	o.from = n
	return nil
}

func run(ctx context.Context, args []string, out io.Writer) error {
	o, err := parse(args)
	if err != nil {
		return err
	}
	in := &inbox{base: o.base, to: o.from}
	in.skipOld(ctx)
	fmt.Fprintf(out, "✉ %s → yuyue (%s): %s\n", o.from, o.provider, o.body)
	if o.provider == "aliyun" {
		err = sendAliyun(ctx, o, out)
	} else {
		err = sendTwilio(ctx, o, out)
	}
	if err != nil {
		return err
	}
	for _, m := range in.await(ctx, o.wait) {
		fmt.Fprintf(out, "✉ SMS to %s: %s\n", m.To, m.Body)
	}
	return nil
}
