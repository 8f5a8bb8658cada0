// Package asr is speech in: a caller's spoken answer (a name) to text.
// The one provider is Alibaba Cloud Intelligent Speech Interaction's
// one-sentence recognition REST endpoint (asr.provider: aliyun); the audio
// stays in China and the text is never logged.
package asr

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"yuyue/internal/nls"
)

// Aliyun recognises one sentence: POST /stream/v1/asr with the app key in
// the query, the token in X-NLS-Token and 8 kHz 16-bit PCM as the body.
type Aliyun struct {
	Account *nls.Account
}

// success is the status of a recognised sentence.
const success = 20000000

// Recognize returns the text heard in pcm (8 kHz mono 16-bit
// little-endian). A refused token is renewed once.
func (a Aliyun) Recognize(ctx context.Context, pcm []byte) (string, error) {
	text, err := a.recognize(ctx, pcm)
	if errors.Is(err, errToken) {
		a.Account.Forget()
		text, err = a.recognize(ctx, pcm)
	}
	return text, err
}

var errToken = errors.New("token refused")

func (a Aliyun) recognize(ctx context.Context, pcm []byte) (string, error) {
	tok, err := a.Account.Token(ctx)
	if err != nil {
		return "", err
	}
	q := url.Values{"appkey": {a.Account.AppKey}, "format": {"pcm"}, "sample_rate": {"8000"},
		"enable_punctuation_prediction": {"false"}, "enable_inverse_text_normalization": {"true"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.Account.GatewayURL("/stream/v1/asr")+"?"+q.Encode(), bytes.NewReader(pcm))
	if err != nil {
		return "", err
	}
	req.Header.Set("X-NLS-Token", tok)
	req.Header.Set("Content-Type", "application/octet-stream")
	res, err := a.Account.Client().Do(req)
	if err != nil {
		return "", fmt.Errorf("aliyun asr: %w", err)
	}
	defer res.Body.Close()
	var body struct {
		Result  string `json:"result"`
		Status  int    `json:"status"`
		Message string `json:"message"`
	}
	b, _ := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err := json.Unmarshal(b, &body); err != nil {
		return "", fmt.Errorf("aliyun asr: HTTP %d: %w", res.StatusCode, err)
	}
	if res.StatusCode != http.StatusOK || body.Status != success {
		if res.StatusCode == http.StatusForbidden || res.StatusCode == http.StatusUnauthorized {
			return "", fmt.Errorf("aliyun asr: HTTP %d: %w", res.StatusCode, errToken)
		}
		return "", fmt.Errorf("aliyun asr: HTTP %d status %d: %s", res.StatusCode, body.Status, body.Message)
	}
	return body.Result, nil
}
