package api_test

import (
	"strings"
	"testing"
	"time"

	"yuyue/store/storetest"
)

// POST /api/v1/codes answers JSON like the rest of the API: whether a code
// was sent and for how long it works (sms.code_ttl); a second request at
// once says no code was sent, to use the last one, and when to ask again
// (until, from sms.resend_after).
func TestCodeRequestsAnswerJSONAndHonestly(t *testing.T) {
	e := newEnv(t, roomy)
	e.codes.Rules.TTL = 7 * time.Minute
	e.codes.Rules.ResendAfter = 90 * time.Second
	phone := storetest.Phone(1)
	req := map[string]any{"purpose": "register", "phone": phone}
	r := e.must(e.call("POST", "/api/v1/codes", "", req), 202)
	if r.body["sent"] != true || r.body["expires_in"] != float64(420) || !strings.Contains(r.body["message"].(string), "7分钟内有效") {
		t.Fatalf("code sent: %s", r.raw)
	}
	e.Clock.Advance(30 * time.Second)
	again := e.call("POST", "/api/v1/codes", "", req)
	until, _ := time.Parse(time.RFC3339, again.body["until"].(string))
	msg, _ := again.body["message"].(string)
	if again.status != 429 || again.code() != "rate_limited" || strings.Contains(msg, "已发送") ||
		!strings.Contains(msg, "仍然有效") || !until.Equal(e.Clock.Now().Add(60*time.Second)) {
		t.Fatalf("second request: %d %s", again.status, again.raw)
	}
}
