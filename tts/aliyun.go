package tts

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"yuyue/internal/nls"
)

// Aliyun is Alibaba Cloud Intelligent Speech Interaction's REST TTS
// (POST /stream/v1/tts): the app key and a token obtained with the
// account's AccessKey, 8 kHz WAV back, the voice chosen by tts.voice
// (xiaoyun, aixia …). Audio never leaves for a foreign service.
type Aliyun struct {
	Account *nls.Account
}

// Name implements Provider.
func (Aliyun) Name() string { return "aliyun" }

// Synthesize implements Provider. A refused token (expired early,
// revoked) is renewed once.
func (a Aliyun) Synthesize(ctx context.Context, voice, text string) ([]int16, int, error) {
	s, r, err := a.synthesize(ctx, voice, text)
	if errors.Is(err, errToken) {
		a.Account.Forget()
		s, r, err = a.synthesize(ctx, voice, text)
	}
	return s, r, err
}

var errToken = errors.New("token refused")

func (a Aliyun) synthesize(ctx context.Context, voice, text string) ([]int16, int, error) {
	tok, err := a.Account.Token(ctx)
	if err != nil {
		return nil, 0, err
	}
	body, _ := json.Marshal(map[string]any{"appkey": a.Account.AppKey, "token": tok, "text": text,
		"format": "wav", "sample_rate": Rate, "voice": voice})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.Account.GatewayURL("/stream/v1/tts"), bytes.NewReader(body))
	if err != nil {
		return nil, 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := a.Account.Client().Do(req)
	if err != nil {
		return nil, 0, fmt.Errorf("aliyun tts: %w", err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 16<<20))
	if err != nil {
		return nil, 0, fmt.Errorf("aliyun tts: %w", err)
	}
	// Success is audio; a refusal is JSON (wrong app key, expired token).
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "audio/") {
		if res.StatusCode == http.StatusForbidden || res.StatusCode == http.StatusUnauthorized {
			return nil, 0, fmt.Errorf("aliyun tts: HTTP %d: %w", res.StatusCode, errToken)
		}
		return nil, 0, fmt.Errorf("aliyun tts: HTTP %d: %s", res.StatusCode, bytes.TrimSpace(b))
	}
	s, err := DecodeWAV(b)
	if err != nil {
		return nil, 0, fmt.Errorf("aliyun tts audio: %w", err)
	}
	return s.Samples, s.Rate, nil
}
