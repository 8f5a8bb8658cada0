package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"time"

	"yuyue/webhook"
)

// sendTwilio posts what Twilio posts for an incoming SMS, signed with the
// auth token over public_url + path, and prints the <Message> reply.
func sendTwilio(ctx context.Context, o options, out io.Writer) error {
	form := url.Values{"MessageSid": {"SM" + randHex(16)}, "AccountSid": {"ACsmssim"}, "From": {o.from},
		"To": {o.to}, "Body": {o.body}, "NumMedia": {"0"}, "NumSegments": {"1"}, "SmsStatus": {"received"}}
	const path = "/twilio/sms"
	req, err := http.NewRequestWithContext(ctx, "POST", o.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Twilio-Signature", webhook.Sign(o.token, o.public+path, form))
	body, err := do(req)
	if err != nil {
		return err
	}
	var doc struct {
		Messages []string `xml:"Message"`
	}
	if err := xml.Unmarshal(body, &doc); err != nil {
		return fmt.Errorf("%s: not TwiML: %s", path, body)
	}
	for _, m := range doc.Messages {
		fmt.Fprintf(out, "✉ reply: %s\n", strings.TrimSpace(m))
	}
	return nil
}

// aliyunUp is one entry of Aliyun's 上行 (reply) batch push.
type aliyunUp struct {
	PhoneNumber string `json:"phone_number"`
	Content     string `json:"content"`
	SendTime    string `json:"send_time"`
	DestCode    string `json:"dest_code"`
	SequenceID  int64  `json:"sequence_id"`
}

// sendAliyun posts a one-entry batch as Aliyun pushes replies: the national
// number without +86, Beijing time, a fresh sequence id.
func sendAliyun(ctx context.Context, o options, out io.Writer) error {
	up := []aliyunUp{{PhoneNumber: strings.TrimPrefix(o.from, "+86"), Content: o.body,
		SendTime: time.Now().In(time.FixedZone("CST", 8*3600)).Format(time.DateTime), DestCode: "",
		SequenceID: randInt63()}}
	b, err := json.Marshal(up)
	if err != nil {
		return err
	}
	path := "/aliyun/sms/up/" + url.PathEscape(o.token)
	req, err := http.NewRequestWithContext(ctx, "POST", o.base+path, bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	body, err := do(req)
	if err != nil {
		return err
	}
	var ack struct {
		Code int    `json:"code"`
		Msg  string `json:"msg"`
	}
	if err := json.Unmarshal(body, &ack); err != nil || ack.Code != 0 {
		return fmt.Errorf("/aliyun/sms/up: push not accepted: %s", body)
	}
	fmt.Fprintf(out, "✓ push accepted: %s\n", ack.Msg)
	return nil
}

func do(req *http.Request) ([]byte, error) {
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: %s: %s", req.URL.Path, resp.Status, bytes.TrimSpace(body))
	}
	return body, nil
}

func randHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func randInt63() int64 {
	v, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	return v.Int64() + 1
}
