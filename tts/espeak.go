package tts

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strconv"
)

// Espeak runs espeak-ng (Debian package espeak-ng): no credentials and no
// network, the development default. Voice "cmn" is Mandarin.
type Espeak struct {
	Binary string // "espeak-ng" when empty
}

// EspeakWPM is espeak-ng's speaking rate (-s, words a minute) at normal
// speed.
const EspeakWPM = 150

// Name implements Provider.
func (Espeak) Name() string { return "espeak" }

// Synthesize implements Provider. The text goes on stdin, not the command
// line, so nothing a prompt contains can be read as an option. The rate is
// EspeakWPM scaled by speed (80 → 120 words a minute).
func (e Espeak) Synthesize(ctx context.Context, voice, text string, speed int) ([]int16, int, error) {
	bin := e.Binary
	if bin == "" {
		bin = "espeak-ng"
	}
	wpm := EspeakWPM
	if speed > 0 {
		wpm = EspeakWPM * speed / 100
	}
	cmd := exec.CommandContext(ctx, bin, "-v", voice, "-s", strconv.Itoa(wpm), "--stdout", "--stdin")
	cmd.Stdin = bytes.NewBufferString(text)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return nil, 0, fmt.Errorf("espeak-ng: %w: %s", err, bytes.TrimSpace(errb.Bytes()))
	}
	s, err := DecodeWAV(out.Bytes())
	if err != nil {
		return nil, 0, fmt.Errorf("espeak-ng output: %w", err)
	}
	return s.Samples, s.Rate, nil
}
