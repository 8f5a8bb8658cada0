package sms

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/dysmsapi"

	"yuyue/booking"
)

// AliyunOptions configure an AliyunSender.
type AliyunOptions struct {
	AccessKeyID, AccessKeySecret string
	SignName                     string            // registered 签名, without 【】
	Endpoint                     string            // scheme://host[:port], e.g. https://dysmsapi.aliyuncs.com
	Templates                    map[string]string // template code by message kind
	Timeout                      time.Duration
}

// AliyunSender sends registered templates with the official SDK's SendSms.
// An SDK client is not safe for concurrent calls (each call rewrites its
// http.Client's timeout), so every send borrows a client of its own from a
// pool; all of them share one transport and its connections.
type AliyunSender struct {
	opts               AliyunOptions
	transport          http.RoundTripper
	pool               chan *dysmsapi.Client
	scheme, host, port string
}

// sharedTransport hides the *http.Transport from the SDK, which would
// otherwise rewrite its TLS settings on every call.
type sharedTransport struct{ t *http.Transport }

func (s sharedTransport) RoundTrip(r *http.Request) (*http.Response, error) { return s.t.RoundTrip(r) }

// NewAliyunSender builds the SDK client for Endpoint. The SDK's own retry
// stays off: a retried SendSms after a timeout could text twice, and the
// outbox already retries what surely did not go.
func NewAliyunSender(o AliyunOptions) (*AliyunSender, error) {
	u, err := url.Parse(o.Endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		return nil, fmt.Errorf("aliyun.endpoint %q: not an http(s) URL", o.Endpoint)
	}
	s := &AliyunSender{opts: o, transport: sharedTransport{providerTransport()},
		pool: make(chan *dysmsapi.Client, 16), scheme: u.Scheme, host: u.Hostname(), port: u.Port()}
	c, err := s.newClient()
	if err != nil {
		return nil, err
	}
	s.put(c)
	return s, nil
}

func (s *AliyunSender) newClient() (*dysmsapi.Client, error) {
	cfg := sdk.NewConfig().WithAutoRetry(false).WithTimeout(s.opts.Timeout).WithScheme(strings.ToUpper(s.scheme))
	cfg.Transport = s.transport
	c, err := dysmsapi.NewClientWithOptions("cn-hangzhou", cfg,
		credentials.NewAccessKeyCredential(s.opts.AccessKeyID, s.opts.AccessKeySecret))
	if err != nil {
		return nil, fmt.Errorf("aliyun sdk client: %w", err)
	}
	return c, nil
}

// get borrows a client from the pool, or makes one when all are busy.
func (s *AliyunSender) get() (*dysmsapi.Client, error) {
	select {
	case c := <-s.pool:
		return c, nil
	default:
		return s.newClient()
	}
}

func (s *AliyunSender) put(c *dysmsapi.Client) {
	select {
	case s.pool <- c:
	default:
	}
}

// Send calls SendSms with the kind's template code and parameters, and the
// outbox id as OutId so a delivery report finds the row even before the
// BizId is saved. body is not sent: Aliyun fills the registered text.
func (s *AliyunSender) Send(_ context.Context, m booking.OutboxItem, _ string) (string, booking.SendOutcome, error) {
	code := s.opts.Templates[m.Kind]
	params, err := Params(m.Kind, m.Params)
	if err != nil || code == "" {
		return "", booking.SendFailed, fmt.Errorf("aliyun: no template for kind %q", m.Kind)
	}
	pj, err := json.Marshal(params)
	if err != nil {
		return "", booking.SendFailed, err
	}
	req := dysmsapi.CreateSendSmsRequest()
	req.Scheme, req.Domain, req.Port = s.scheme, s.host, s.port
	req.PhoneNumbers = aliyunPhone(m.To)
	req.SignName, req.TemplateCode, req.TemplateParam = s.opts.SignName, code, string(pj)
	req.OutId = strconv.FormatInt(m.ID, 10)
	client, err := s.get()
	if err != nil {
		return "", booking.SendRetry, err
	}
	resp, err := client.SendSms(req)
	s.put(client)
	if err != nil {
		return "", ClassifyAliyun(err), aliyunError(err)
	}
	if resp.Code != "OK" {
		outcome, r := aliyunRefusal(resp.Code, resp.Message)
		return "", outcome, r
	}
	if resp.BizId == "" {
		return "", booking.SendUnknown, errors.New("aliyun answered OK without a BizId")
	}
	return resp.BizId, booking.SendSent, nil
}

// aliyunPhone writes +86 numbers the domestic way Aliyun expects; others
// keep their country code without the plus.
func aliyunPhone(e164 string) string {
	if rest, ok := strings.CutPrefix(e164, "+86"); ok {
		return rest
	}
	return strings.TrimPrefix(e164, "+")
}

// ClassifyAliyun decides whether a failed SendSms may be retried, like
// Classify for Twilio: throttling, a 5xx or a connection never made is
// surely not sent; another refusal is final; anything else may have gone.
func ClassifyAliyun(err error) booking.SendOutcome {
	var se *sdkerrors.ServerError
	if errors.As(err, &se) {
		if se.HttpStatus() >= 500 || se.HttpStatus() == http.StatusTooManyRequests || strings.HasPrefix(se.ErrorCode(), "Throttling") {
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

// aliyunError shortens the SDK's error (which carries response headers)
// to its code and message.
func aliyunError(err error) error {
	var se *sdkerrors.ServerError
	if errors.As(err, &se) {
		return fmt.Errorf("aliyun: http %d: %s: %s", se.HttpStatus(), se.ErrorCode(), se.Message())
	}
	return fmt.Errorf("aliyun: %w", err)
}
