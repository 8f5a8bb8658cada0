package sms

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/twilio/twilio-go"
	"github.com/twilio/twilio-go/client"
	api "github.com/twilio/twilio-go/rest/api/v2010"

	"yuyue/booking"
)

// Sender hands one message to a carrier and says what became of it.
type Sender interface {
	Send(ctx context.Context, m booking.OutboxItem, body string) (sid string, outcome booking.SendOutcome, err error)
}

// TwilioSender sends with twilio-go's REST client.
type TwilioSender struct {
	rest           *twilio.RestClient
	from           string
	statusCallback string
}

// TwilioOptions configure a TwilioSender.
type TwilioOptions struct {
	AccountSID, AuthToken string
	From                  string // +E.164 number or MG… messaging service SID
	APIURL                string // empty: api.twilio.com; else all requests go there
	PublicURL             string // for the status callback
	Timeout               time.Duration
}

// NewTwilioSender builds the real twilio-go client; APIURL reroutes its
// requests (tests and staging use a local fake Twilio API).
func NewTwilioSender(o TwilioOptions) (*TwilioSender, error) {
	hc := &http.Client{Timeout: o.Timeout, Transport: providerTransport()}
	if o.APIURL != "" {
		u, err := url.Parse(o.APIURL)
		if err != nil {
			return nil, fmt.Errorf("twilio.api_url: %w", err)
		}
		hc.Transport = rerouter{to: u, next: hc.Transport}
	}
	c := &client.Client{Credentials: client.NewCredentials(o.AccountSID, o.AuthToken), HTTPClient: hc}
	c.SetAccountSid(o.AccountSID)
	rest := twilio.NewRestClientWithParams(twilio.ClientParams{Client: c})
	return &TwilioSender{rest: rest, from: o.From, statusCallback: strings.TrimRight(o.PublicURL, "/") + "/twilio/sms/status"}, nil
}

// rerouter sends every request to another scheme and host, keeping the path.
type rerouter struct {
	to   *url.URL
	next http.RoundTripper
}

func (r rerouter) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.URL.Scheme, req.URL.Host, req.Host = r.to.Scheme, r.to.Host, r.to.Host
	if p := strings.TrimRight(r.to.Path, "/"); p != "" {
		req.URL.Path = p + req.URL.Path
	}
	return r.next.RoundTrip(req)
}

// Send creates the message. twilio-go gives no context hook, so the
// http.Client's timeout bounds the call.
func (s *TwilioSender) Send(_ context.Context, m booking.OutboxItem, body string) (string, booking.SendOutcome, error) {
	p := &api.CreateMessageParams{}
	p.SetTo(m.To)
	p.SetBody(body)
	p.SetStatusCallback(s.statusCallback)
	if strings.HasPrefix(s.from, "MG") {
		p.SetMessagingServiceSid(s.from)
	} else {
		p.SetFrom(s.from)
	}
	resp, err := s.rest.Api.CreateMessage(p)
	if err != nil {
		return "", Classify(err), err
	}
	if resp.Sid == nil || *resp.Sid == "" {
		return "", booking.SendUnknown, errors.New("twilio answered without a MessageSid")
	}
	return *resp.Sid, booking.SendSent, nil
}

// Classify decides whether a failed send may be retried. Twilio answering
// 429 or 5xx, or a connection never made, means the message was surely not
// accepted: retry. Another 4xx is a refusal: failed. Anything else (a
// timeout or a reset after the request went out) is unknown: the message
// may have been accepted, so it is not sent again blindly.
func Classify(err error) booking.SendOutcome {
	var re *client.TwilioRestError
	if errors.As(err, &re) {
		if re.Status == http.StatusTooManyRequests || re.Status >= 500 {
			return booking.SendRetry
		}
		return booking.SendFailed
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return booking.SendRetry
	}
	return booking.SendUnknown
}

// DevSender is development mode's carrier: it writes the message to the log
// and the development inbox and pretends nothing.
type DevSender struct {
	Svc *booking.Service
	Log *slog.Logger
	Now func() time.Time
	// Templates are the Aliyun template codes by kind, shown beside the
	// text; a kind without one shows the kind.
	Templates map[string]string
}

// Send keeps the message in the development inbox.
func (d *DevSender) Send(ctx context.Context, m booking.OutboxItem, body string) (string, booking.SendOutcome, error) {
	dm := booking.DevMessage{To: m.To, Kind: m.Kind, Body: body, CreatedAt: d.Now()}
	dm.Template, dm.TemplateParams = d.template(m)
	err := d.Svc.AddDevMessage(ctx, dm)
	if err != nil {
		return "", booking.SendRetry, err
	}
	// Development mode only: the body (a code among them) is shown so a
	// developer can read it; production never logs bodies.
	d.Log.Info("DEVELOPMENT SMS (not sent)", "to", m.To, "kind", m.Kind, "body", body)
	return fmt.Sprintf("DEV%08d", m.ID), booking.SendSent, nil
}

// template is the rendering a template provider would get.
func (d *DevSender) template(m booking.OutboxItem) (string, string) {
	code := d.Templates[m.Kind]
	if code == "" {
		code = m.Kind
	}
	p, err := Params(m.Kind, m.Params)
	if err != nil {
		return code, ""
	}
	b, _ := json.Marshal(p)
	return code, string(b)
}
