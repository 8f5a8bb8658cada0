package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"yuyue/internal/nls"
	"yuyue/ivr"
	"yuyue/tts"
	"yuyue/tts/aliyuntest"
)

// `yuyue prompts render` leaves a rendering of every clause the catalog
// can produce in tts.cache_dir, in the configured voices (here Aliyun's
// TTS through its local fake, which checks the signed token), and a
// second run renders nothing again.
func TestPromptsRender(t *testing.T) {
	f := aliyuntest.New("LTAIkey", "s3cret", "appkey1")
	t.Cleanup(f.Close)
	dir := filepath.Join(t.TempDir(), "tts")
	e := testEnv(t, map[string]string{"YUYUE_DEV": "1", "YUYUE_TTS_PROVIDER": "aliyun", "YUYUE_TTS_VOICE": "xiaoyun",
		"YUYUE_TTS_EN_VOICE": "abby", "YUYUE_TTS_CACHE_DIR": dir, "YUYUE_NLS_ACCESS_KEY_ID": "LTAIkey",
		"YUYUE_NLS_ACCESS_KEY_SECRET": "s3cret", "YUYUE_NLS_APP_KEY": "appkey1",
		"YUYUE_NLS_META_ENDPOINT": f.URL, "YUYUE_NLS_GATEWAY": f.URL})
	var out bytes.Buffer
	if err := run(context.Background(), []string{"prompts", "render"}, e.with("", &out)); err != nil {
		t.Fatal(err)
	}
	rendered := f.Calls("tts")
	d, err := open(context.Background(), &globals{}, e)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	cache := &tts.Cache{Provider: tts.Aliyun{Account: &nls.Account{}}, Dir: dir}
	want := 0
	for lang, voice := range map[string]string{ivr.LangZH: "xiaoyun", ivr.LangEN: "abby"} {
		clauses := ivr.SpeechCatalog(d.svc, lang)
		want += len(clauses)
		for _, c := range clauses {
			if _, err := os.Stat(cache.Path(voice, c)); err != nil {
				t.Fatalf("%s %q not in the cache: %v", voice, c, err)
			}
		}
	}
	// the menu, an office option and the digits of a reference are among them
	zh := strings.Join(ivr.SpeechCatalog(d.svc, ivr.LangZH), "|")
	for _, s := range []string{"福田派出所户政室请按1。", "幺，"} {
		if !strings.Contains(zh, s) {
			t.Errorf("the catalog lacks %q", s)
		}
	}
	if rendered != want || !strings.Contains(out.String(), "rendered") {
		t.Fatalf("%d renderings for %d clauses; output %q", rendered, want, out.String())
	}
	if err := run(context.Background(), []string{"prompts", "render"}, e.with("", &out)); err != nil || f.Calls("tts") != rendered {
		t.Fatalf("a second run rendered again: %d calls, %v", f.Calls("tts"), err)
	}
}
