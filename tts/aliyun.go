package tts

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
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
func (a Aliyun) Synthesize(ctx context.Context, voice, text string, speed int) ([]int16, int, error) {
	s, r, err := a.synthesize(ctx, voice, text, speed)
	if errors.Is(err, errToken) {
		a.Account.Forget()
		s, r, err = a.synthesize(ctx, voice, text, speed)
	}
	return s, r, err
}

// speechRate turns a speed in percent of normal into Aliyun's speech_rate
// (-500…500, 0 the voice's own): its documented conversion is
// (1 - 1/r) / 0.002 for slower readings and (1 - 1/r) / 0.001 for faster.
func speechRate(speed int) int {
	r := float64(normalSpeed(speed)) / 100
	v := (1 - 1/r) / 0.001
	if r < 1 {
		v = (1 - 1/r) / 0.002
	}
	return max(-500, min(500, int(math.Round(v))))
}

var errToken = errors.New("token refused")

func (a Aliyun) synthesize(ctx context.Context, voice, text string, speed int) ([]int16, int, error) {
	tok, err := a.Account.Token(ctx)
	if err != nil {
		return nil, 0, err
	}
	params := map[string]any{"appkey": a.Account.AppKey, "token": tok, "text": text,
		"format": "wav", "sample_rate": Rate, "voice": voice}
	if r := speechRate(speed); r != 0 {
		params["speech_rate"] = r
	}
	body, _ := json.Marshal(params)
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
