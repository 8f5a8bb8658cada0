package asr_test

import (
	"context"
	"strings"
	"testing"

	"yuyue/asr"
	"yuyue/internal/nls"
	"yuyue/tts/aliyuntest"
)

// One-sentence recognition sends 8 kHz PCM with the token the signed
// CreateToken gave, and returns the text; a wrong secret never gets one.
func TestAliyunASRAgainstTheFake(t *testing.T) {
	f := aliyuntest.New("LTAIkey", "s3cret", "appkey1")
	t.Cleanup(f.Close)
	f.Heard = "张三"
	r := asr.Aliyun{Account: &nls.Account{AccessKeyID: "LTAIkey", AccessKeySecret: "s3cret", AppKey: "appkey1", Meta: f.URL, Gateway: f.URL}}
	got, err := r.Recognize(context.Background(), make([]byte, 3200))
	if err != nil || got != "张三" {
		t.Fatalf("recognised %q, %v", got, err)
	}
	f.Expire()
	if got, err := r.Recognize(context.Background(), make([]byte, 3200)); err != nil || got != "张三" || f.Calls("token") != 2 {
		t.Fatalf("after the token expired: %q %v, %d token calls", got, err, f.Calls("token"))
	}
	bad := asr.Aliyun{Account: &nls.Account{AccessKeyID: "LTAIkey", AccessKeySecret: "nope", AppKey: "appkey1", Meta: f.URL, Gateway: f.URL}}
	if _, err := bad.Recognize(context.Background(), make([]byte, 3200)); err == nil || !strings.Contains(err.Error(), "SignatureDoesNotMatch") {
		t.Fatalf("wrong secret: %v", err)
	}
	if f.Calls("asr") != 2 {
		t.Fatalf("asr calls %d, want 2 (none without a token)", f.Calls("asr"))
	}
}
