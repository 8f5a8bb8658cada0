package tts_test

import (
	"context"
	"strings"
	"testing"

	"yuyue/internal/nls"
	"yuyue/tts"
	"yuyue/tts/aliyuntest"
)

func aliyunAccount(f *aliyuntest.Fake, secret string) *nls.Account {
	return &nls.Account{AccessKeyID: f.AccessKeyID, AccessKeySecret: secret, AppKey: f.AppKey, Meta: f.URL, Gateway: f.URL}
}

// The Aliyun provider gets a token with the signed CreateToken, renders
// 8 kHz audio in the configured voice through the cache (once per text),
// and renews a token the service stops accepting.
func TestAliyunTTSAgainstTheFake(t *testing.T) {
	f := aliyuntest.New("LTAIkey", "s3cret", "appkey1")
	t.Cleanup(f.Close)
	c := &tts.Cache{Provider: tts.Aliyun{Account: aliyunAccount(f, "s3cret")}, Dir: t.TempDir()}
	ctx := context.Background()
	pcm, err := c.Render(ctx, "xiaoyun", "欢迎致电")
	if err != nil {
		t.Fatal(err)
	}
	s, err := tts.ReadWAV(c.Path("xiaoyun", "欢迎致电"))
	if err != nil || s.Rate != tts.Rate || len(s.Samples) != len(pcm) || len(pcm) < tts.Rate/2 {
		t.Fatalf("cached rendering: rate %d, %d samples (%v)", s.Rate, len(s.Samples), err)
	}
	if _, err := c.Render(ctx, "xiaoyun", "欢迎致电"); err != nil || f.Calls("tts") != 1 {
		t.Fatalf("second render of the same text went to the service: %d calls, %v", f.Calls("tts"), err)
	}
	if _, err := c.Render(ctx, "xiaoyun", "请按1"); err != nil || f.Calls("token") != 1 {
		t.Fatalf("a second text asked for another token: %d, %v", f.Calls("token"), err)
	}
	f.Expire()
	if _, err := c.Render(ctx, "xiaoyun", "请按2"); err != nil || f.Calls("token") != 2 {
		t.Fatalf("an expired token was not renewed: %d token calls, %v", f.Calls("token"), err)
	}
	if v := f.Voices(); len(v) != 3 || v[0] != "xiaoyun" {
		t.Fatalf("voices asked: %v", v)
	}
}

// A wrong AccessKey secret is refused by the signature check, and the
// error says so.
func TestAliyunTTSWrongSecret(t *testing.T) {
	f := aliyuntest.New("LTAIkey", "s3cret", "appkey1")
	t.Cleanup(f.Close)
	p := tts.Aliyun{Account: aliyunAccount(f, "wrong")}
	_, _, err := p.Synthesize(context.Background(), "xiaoyun", "欢迎", tts.Normal)
	if err == nil || !strings.Contains(err.Error(), "SignatureDoesNotMatch") {
		t.Fatalf("wrong secret: %v", err)
	}
	acc := aliyunAccount(f, "s3cret")
	acc.AppKey = "other"
	if _, _, err := (tts.Aliyun{Account: acc}).Synthesize(context.Background(), "xiaoyun", "欢迎", tts.Normal); err == nil || !strings.Contains(err.Error(), "APPKEY") {
		t.Fatalf("wrong app key: %v", err)
	}
}
