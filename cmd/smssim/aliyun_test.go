package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// fakeAliyunPush accepts Aliyun's reply push at /aliyun/sms/up/<token> and
// queues an answer in a development inbox, as yuyue with the Aliyun
// provider does; it records what it was sent.
type fakeAliyunPush struct {
	mu    sync.Mutex
	token string
	got   []aliyunUp
	inbox []devMessage
}

func (f *fakeAliyunPush) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case r.Method == "GET" && r.URL.Path == "/dev/inbox":
		var out []devMessage
		for i := len(f.inbox) - 1; i >= 0; i-- {
			if m := f.inbox[i]; m.To == r.URL.Query().Get("to") {
				out = append(out, m)
			}
		}
		json.NewEncoder(w).Encode(out)
	case r.Method == "POST" && r.URL.Path == "/aliyun/sms/up/"+f.token:
		var batch []aliyunUp
		if r.Header.Get("Content-Type") != "application/json" || json.NewDecoder(r.Body).Decode(&batch) != nil || len(batch) == 0 {
			http.Error(w, `{"code":1,"msg":"bad body"}`, http.StatusBadRequest)
			return
		}
		f.got = append(f.got, batch...)
		for _, up := range batch {
			f.inbox = append(f.inbox, devMessage{ID: int64(len(f.inbox) + 1), To: "+86" + up.PhoneNumber, Body: "【深圳户政预约】您目前没有有效预约。"})
		}
		w.Write([]byte(`{"code":0,"msg":"接收成功"}`))
	case strings.HasPrefix(r.URL.Path, "/aliyun/sms/up/"):
		http.Error(w, "forbidden", http.StatusForbidden)
	default:
		http.NotFound(w, r)
	}
}

func TestAliyunPush(t *testing.T) {
	fake := &fakeAliyunPush{token: "push-token-0123456789abcdef0123456789"}
	// An old message for the number must not be shown as this reply's.
	fake.inbox = []devMessage{{ID: 1, To: "+8613900001111", Body: "old"}}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	var out bytes.Buffer
	err := run(context.Background(), []string{"--url", srv.URL, "--provider", "aliyun", "--token", fake.token,
		"--from", "13900001111", "--wait", "2s", "CX"}, &out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if len(fake.got) != 1 {
		t.Fatalf("pushed %d entries", len(fake.got))
	}
	up := fake.got[0]
	if up.PhoneNumber != "13900001111" || up.Content != "CX" || up.SequenceID <= 0 || len(up.SendTime) != len("2006-01-02 15:04:05") {
		t.Fatalf("push entry: %+v", up)
	}
	s := out.String()
	if !strings.Contains(s, "push accepted: 接收成功") || !strings.Contains(s, "✉ SMS to +8613900001111: 【深圳户政预约】您目前没有有效预约。") || strings.Contains(s, "old") {
		t.Fatalf("transcript:\n%s", s)
	}
	out.Reset()
	err = run(context.Background(), []string{"--url", srv.URL, "--provider", "aliyun", "--token", "wrong-token-wrong-token-wrong-token",
		"--from", "13900001111", "CX"}, &out)
	if err == nil || !strings.Contains(err.Error(), "403") {
		t.Fatalf("wrong push token: %v", err)
	}
}
