// Package aliyuntest is a local stand-in for Alibaba Cloud Intelligent
// Speech Interaction: CreateToken on the meta endpoint, REST TTS and
// one-sentence ASR on the gateway. It checks what the real service
// checks: the RPC signature of CreateToken against the AccessKey secret,
// its timestamp and nonce, and on the gateway the app key and a token it
// issued that has not expired.
package aliyuntest

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"
	"unicode/utf8"

	"yuyue/internal/nls"
)

// Fake is the speech service on a local listener.
type Fake struct {
	URL             string // serves meta and gateway alike
	AccessKeyID     string
	AccessKeySecret string
	AppKey          string
	Heard           string // what ASR returns for non-empty audio
	TokenTTL        time.Duration

	srv    *httptest.Server
	mu     sync.Mutex
	tokens map[string]time.Time
	nonces map[string]bool
	calls  map[string]int
	voices []string
}

// New starts a fake for one account and app key.
func New(id, secret, appKey string) *Fake {
	f := &Fake{AccessKeyID: id, AccessKeySecret: secret, AppKey: appKey, TokenTTL: 24 * time.Hour,
		tokens: map[string]time.Time{}, nonces: map[string]bool{}, calls: map[string]int{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", f.createToken)
	mux.HandleFunc("POST /stream/v1/tts", f.tts)
	mux.HandleFunc("POST /stream/v1/asr", f.asr)
	f.srv = httptest.NewServer(mux)
	f.URL = f.srv.URL
	return f
}

// Close stops the listener.
func (f *Fake) Close() { f.srv.Close() }

// Calls counts requests by endpoint: token, tts, asr.
func (f *Fake) Calls(what string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[what]
}

// Voices are the voices TTS was asked for, in order.
func (f *Fake) Voices() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.voices...)
}

// Expire makes every issued token expired.
func (f *Fake) Expire() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for k := range f.tokens {
		f.tokens[k] = time.Unix(0, 0)
	}
}

func fail(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"Code": code, "Message": msg, "status": 40000000 + status, "message": msg})
}

func (f *Fake) createToken(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.calls["token"]++
	f.mu.Unlock()
	q := map[string]string{}
	for k, v := range r.URL.Query() {
		q[k] = v[0]
	}
	sig := q["Signature"]
	delete(q, "Signature")
	switch {
	case q["AccessKeyId"] != f.AccessKeyID:
		fail(w, 404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.")
		return
	case q["Action"] != "CreateToken" || q["Version"] != "2019-02-28" || q["SignatureMethod"] != "HMAC-SHA1" || q["SignatureVersion"] != "1.0":
		fail(w, 400, "InvalidParameter", "Action, Version or signature method")
		return
	case sig == "" || sig != nls.Sign(http.MethodGet, q, f.AccessKeySecret):
		fail(w, 400, "SignatureDoesNotMatch", "Specified signature is not matched with our calculation.")
		return
	}
	ts, err := time.Parse("2006-01-02T15:04:05Z", q["Timestamp"])
	if err != nil || time.Since(ts).Abs() > 15*time.Minute {
		fail(w, 400, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired.")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if q["SignatureNonce"] == "" || f.nonces[q["SignatureNonce"]] {
		fail(w, 400, "SignatureNonceUsed", "Specified signature nonce was used already.")
		return
	}
	f.nonces[q["SignatureNonce"]] = true
	id := fmt.Sprintf("tok%08d", len(f.tokens)+1)
	exp := time.Now().Add(f.TokenTTL)
	f.tokens[id] = exp
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"RequestId": "req-" + id,
		"Token": map[string]any{"Id": id, "ExpireTime": exp.Unix(), "UserId": "1"}})
}

// valid: the app key is the project's and the token one issued, unexpired.
func (f *Fake) valid(appKey, token string) (int, string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if appKey != f.AppKey {
		return http.StatusBadRequest, "APPKEY_NOT_EXIST"
	}
	exp, ok := f.tokens[token]
	if !ok || time.Now().After(exp) {
		return http.StatusForbidden, "TOKEN_INVALID"
	}
	return 0, ""
}

func (f *Fake) tts(w http.ResponseWriter, r *http.Request) {
	var req struct {
		AppKey     string `json:"appkey"`
		Token      string `json:"token"`
		Text       string `json:"text"`
		Format     string `json:"format"`
		SampleRate int    `json:"sample_rate"`
		Voice      string `json:"voice"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		fail(w, 400, "BAD_REQUEST", err.Error())
		return
	}
	if status, msg := f.valid(req.AppKey, req.Token); status != 0 {
		fail(w, status, msg, msg)
		return
	}
	if req.Text == "" || req.Format != "wav" || (req.SampleRate != 8000 && req.SampleRate != 16000) {
		fail(w, 400, "PARAMETER_INVALID", "text, format or sample_rate")
		return
	}
	f.mu.Lock()
	f.calls["tts"]++
	f.voices = append(f.voices, req.Voice)
	f.mu.Unlock()
	w.Header().Set("Content-Type", "audio/wav")
	_, _ = w.Write(tone(req.SampleRate, utf8.RuneCountInString(req.Text)))
}

func (f *Fake) asr(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if status, msg := f.valid(q.Get("appkey"), r.Header.Get("X-NLS-Token")); status != 0 {
		fail(w, status, msg, msg)
		return
	}
	if q.Get("format") != "pcm" || q.Get("sample_rate") != "8000" {
		fail(w, 400, "PARAMETER_INVALID", "format or sample_rate")
		return
	}
	audio, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.calls["asr"]++
	f.mu.Unlock()
	result := ""
	if len(audio) > 0 {
		result = f.Heard
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"task_id": "t1", "result": result, "status": 20000000, "message": "SUCCESS"})
}

// tone is a WAV of a 440 Hz tone, a quarter second per character: audio
// a caller would hear, of a length that follows the text.
func tone(rate, chars int) []byte {
	n := rate * chars / 4
	b := make([]byte, 44+2*n)
	copy(b, "RIFF")
	binary.LittleEndian.PutUint32(b[4:], uint32(36+2*n))
	copy(b[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(b[16:], 16)
	binary.LittleEndian.PutUint16(b[20:], 1)
	binary.LittleEndian.PutUint16(b[22:], 1)
	binary.LittleEndian.PutUint32(b[24:], uint32(rate))
	binary.LittleEndian.PutUint32(b[28:], uint32(2*rate))
	binary.LittleEndian.PutUint16(b[32:], 2)
	binary.LittleEndian.PutUint16(b[34:], 16)
	copy(b[36:], "data")
	binary.LittleEndian.PutUint32(b[40:], uint32(2*n))
	for i := range n {
		v := int16(8000 * math.Sin(2*math.Pi*440*float64(i)/float64(rate)))
		binary.LittleEndian.PutUint16(b[44+2*i:], uint16(v))
	}
	return b
}
