package tts

import "testing"

// The elder callers' slower reading reaches Alibaba Cloud as its own
// speech_rate scale: 0 is the voice's own speed.
func TestSpeechRateFollowsAliyunsConversion(t *testing.T) {
	for speed, want := range map[int]int{0: 0, Normal: 0, 80: -125, 50: -500, 40: -500, 200: 500, 125: 200} {
		if got := speechRate(speed); got != want {
			t.Errorf("speechRate(%d) = %d, want %d", speed, got, want)
		}
	}
}
