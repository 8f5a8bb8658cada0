package tts_test

import (
	"context"
	"math"
	"os"
	"os/exec"
	"strings"
	"testing"
	"unicode/utf8"

	"yuyue/tts"
)

// needEspeak skips outside CI when espeak-ng is missing; in CI (which
// installs it) a missing binary fails.
func needEspeak(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("espeak-ng"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("espeak-ng is not installed; .ci/run installs the Debian package espeak-ng")
		}
		t.Skip("espeak-ng not installed (apt-get install espeak-ng); CI unset, so skipping")
	}
}

func TestEspeakPromptIsTelephoneAudio(t *testing.T) {
	needEspeak(t)
	c := &tts.Cache{Provider: tts.Espeak{}, Dir: t.TempDir()}
	text := "欢迎致电深圳市公安局户政预约热线。预约请按一，查询请按二，取消请按三。"
	if _, err := c.Render(context.Background(), "cmn", text); err != nil {
		t.Fatal(err)
	}
	s, err := tts.ReadWAV(c.Path("cmn", text)) // what a call plays: the cached file
	if err != nil {
		t.Fatal(err)
	}
	if s.Rate != 8000 || s.Channels != 1 {
		t.Fatalf("rendered %d Hz, %d channels; want 8000 Hz mono", s.Rate, s.Channels)
	}
	secs := float64(len(s.Samples)) / float64(s.Rate)
	chars := utf8.RuneCountInString(text)
	// Mandarin runs at three to six syllables a second; allow pauses.
	if secs < float64(chars)/8 || secs > float64(chars)/2 {
		t.Errorf("%.1f s for %d characters: not a plausible reading", secs, chars)
	}
	if r := rms(s.Samples); r < 500 {
		t.Errorf("RMS %.0f: the prompt is (nearly) silent", r)
	}
}

func TestCacheRendersOnce(t *testing.T) {
	p := &countingProvider{}
	c := &tts.Cache{Provider: p, Dir: t.TempDir()}
	for range 3 {
		pcm, err := c.Render(context.Background(), "v", "您的预约号是幺二三")
		if err != nil {
			t.Fatal(err)
		}
		if len(pcm) != 8000 { // one second at 16 kHz becomes one second at 8 kHz
			t.Fatalf("got %d samples, want 8000", len(pcm))
		}
	}
	if p.calls != 1 {
		t.Errorf("provider called %d times; the cache should render once", p.calls)
	}
	if c.Key("v", "a") == c.Key("w", "a") || c.Key("v", "a") == c.Key("v", "b") {
		t.Error("the key must depend on voice and text")
	}
}

// A slower reading is a longer recording in a file of its own, and the
// speeds 0 and 100 name the one normal file.
func TestEspeakSlowerSpeedIsLongerAndCachedApart(t *testing.T) {
	needEspeak(t)
	c := &tts.Cache{Provider: tts.Espeak{}, Dir: t.TempDir()}
	text := "按0直接转人工服务。"
	normal, err := c.Render(context.Background(), "cmn", text)
	if err != nil {
		t.Fatal(err)
	}
	slow, err := c.RenderAt(context.Background(), "cmn", text, 80)
	if err != nil {
		t.Fatal(err)
	}
	// 80% of the rate: 1.25 times as long; espeak's pauses do not scale,
	// so ask for a tenth longer at least.
	if float64(len(slow)) < 1.1*float64(len(normal)) {
		t.Fatalf("at 80%%: %d samples, at normal speed %d: not slower", len(slow), len(normal))
	}
	if c.PathAt("cmn", text, 80) == c.Path("cmn", text) || c.PathAt("cmn", text, 100) != c.Path("cmn", text) ||
		c.PathAt("cmn", text, 0) != c.Path("cmn", text) {
		t.Fatal("the cache key must hold the speed (and normal speed keep the old name)")
	}
	for _, p := range []string{c.Path("cmn", text), c.PathAt("cmn", text, 80)} {
		if _, err := os.Stat(p); err != nil {
			t.Fatal(err)
		}
	}
}

type countingProvider struct{ calls int }

func (*countingProvider) Name() string { return "count" }
func (p *countingProvider) Synthesize(context.Context, string, string, int) ([]int16, int, error) {
	p.calls++
	s := make([]int16, 16000)
	for i := range s {
		s[i] = int16(8000 * math.Sin(float64(i)*2*math.Pi*440/16000))
	}
	return s, 16000, nil
}

func TestResampleKeepsTone(t *testing.T) {
	in := make([]int16, 22050)
	for i := range in {
		in[i] = int16(10000 * math.Sin(float64(i)*2*math.Pi*1000/22050))
	}
	out := tts.Resample(in, 22050, 8000)
	if len(out) != 8000 {
		t.Fatalf("%d samples, want 8000", len(out))
	}
	if r := rms(out[100 : len(out)-100]); r < 6000 || r > 8000 { // 10000/√2 ≈ 7071
		t.Errorf("a 1 kHz tone lost its level: RMS %.0f", r)
	}
	hiss := make([]int16, 22050)
	for i := range hiss {
		hiss[i] = int16(10000 * math.Sin(float64(i)*2*math.Pi*7000/22050))
	}
	if r := rms(tts.Resample(hiss, 22050, 8000)[100:7900]); r > 1500 {
		t.Errorf("7 kHz above the new Nyquist folded back at RMS %.0f", r)
	}
}

func rms(s []int16) float64 {
	var sum float64
	for _, v := range s {
		sum += float64(v) * float64(v)
	}
	return math.Sqrt(sum / float64(max(1, len(s))))
}

func TestClausesSplitDigitsIntoSharedClips(t *testing.T) {
	got := tts.Clauses("预约成功。您的预约号是：幺，二，三。")
	want := []string{"预约成功。", "您的预约号是：", "幺，", "二，", "三。"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("Clauses = %q, want %q", got, want)
	}
}
