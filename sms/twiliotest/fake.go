// Package twiliotest is a local fake of Twilio's REST API for Messages:
// tests and the load harness point twilio.api_url at it and read back what
// the real twilio-go client sent.
package twiliotest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
)

// Message is one CreateMessage request the fake accepted.
type Message struct {
	SID            string
	To             string
	From           string
	MessagingSID   string
	Body           string
	StatusCallback string
	// Accepted is when the fake accepted the request (the load harness
	// times "code requested → provider accepted" with it).
	Accepted time.Time
}

// Reply scripts one answer: an HTTP status (201 accepts), or a delay before
// answering (longer than the client's timeout simulates a lost response).
type Reply struct {
	Status int
	Delay  time.Duration
	// Code, when set, is the Twilio error code of a refusal, with Twilio's
	// own wording: 21211 names the 'To' number in its message.
	Code int
}

// twilioMessages are Twilio's error texts for the codes the fake can give.
var twilioMessages = map[int]string{
	21211: "The 'To' number %s is not a valid phone number.",
	21614: "'To' number %s is not a valid mobile number",
}

// Fake is the fake API server.
type Fake struct {
	*httptest.Server
	AccountSID, AuthToken string
	// OnAccept, when set before the first request, is told of every
	// message accepted, after it is recorded (the load harness's provider
	// process hands each to the handsets it serves).
	OnAccept func(Message)

	mu       sync.Mutex
	messages []Message
	byPhone  map[string][]int // indexes into messages
	sidSeen  map[string]bool  // SIDs recorded, so a message handed over twice is kept once
	// next holds, per number someone waits on, a channel closed at the
	// next message accepted for it (Next).
	next     map[string]chan struct{}
	script   []Reply
	requests int
	sids     int // SIDs handed out
}

// New starts a fake for the account; Close it when done.
func New(accountSID, authToken string) *Fake {
	f := NewHandler(accountSID, authToken)
	f.Server = httptest.NewServer(f)
	return f
}

// NewHandler is a fake without a listener of its own, for a server that
// serves it (the load harness's provider process) or one that only records
// what another fake accepted (its handsets).
func NewHandler(accountSID, authToken string) *Fake {
	return &Fake{AccountSID: accountSID, AuthToken: authToken, byPhone: map[string][]int{}, sidSeen: map[string]bool{},
		next: map[string]chan struct{}{}}
}

// Close stops the fake's listener, if it has one.
func (f *Fake) Close() {
	if f.Server != nil {
		f.Server.Close()
	}
}

// ServeHTTP makes the fake an http.Handler.
func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) { f.serve(w, r) }

// To returns the messages accepted for one number, in order.
func (f *Fake) To(phone string) []Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.toLocked(phone)
}

func (f *Fake) toLocked(phone string) []Message {
	out := make([]Message, 0, len(f.byPhone[phone]))
	for _, i := range f.byPhone[phone] {
		out = append(out, f.messages[i])
	}
	return out
}

// Next returns the messages accepted for phone so far, as To does, and a
// channel closed when the next one is accepted: a waiter is woken by the
// message it waits for instead of asking again and again (the load
// harness's thousands of callers polling took the CPU the system under
// test needed).
func (f *Fake) Next(phone string) ([]Message, <-chan struct{}) {
	f.mu.Lock()
	defer f.mu.Unlock()
	ch, ok := f.next[phone]
	if !ok {
		ch = make(chan struct{})
		f.next[phone] = ch
	}
	return f.toLocked(phone), ch
}

// Waited reports whether someone asked Next for phone's next message and
// it has not come yet.
func (f *Fake) Waited(phone string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	_, ok := f.next[phone]
	return ok
}

// Script queues answers for the next requests; after them every request is
// accepted.
func (f *Fake) Script(r ...Reply) { f.mu.Lock(); f.script = append(f.script, r...); f.mu.Unlock() }

// Messages returns the accepted messages in order.
func (f *Fake) Messages() []Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Message(nil), f.messages...)
}

// Requests counts every CreateMessage request, accepted or not.
func (f *Fake) Requests() int { f.mu.Lock(); defer f.mu.Unlock(); return f.requests }

// LastTo returns the body of the last message accepted for to, or "".
func (f *Fake) LastTo(to string) string {
	if ms := f.To(to); len(ms) > 0 {
		return ms[len(ms)-1].Body
	}
	return ""
}

func (f *Fake) serve(w http.ResponseWriter, r *http.Request) {
	want := "/2010-04-01/Accounts/" + f.AccountSID + "/Messages.json"
	user, pass, ok := r.BasicAuth()
	if r.Method != http.MethodPost || r.URL.Path != want {
		apiError(w, http.StatusNotFound, 20404, "not found: "+r.URL.Path)
		return
	}
	if !ok || user != f.AccountSID || pass != f.AuthToken {
		apiError(w, http.StatusUnauthorized, 20003, "authenticate")
		return
	}
	if err := r.ParseForm(); err != nil {
		apiError(w, http.StatusBadRequest, 21000, "bad form")
		return
	}
	f.mu.Lock()
	f.requests++
	reply := Reply{Status: http.StatusCreated}
	if len(f.script) > 0 {
		reply, f.script = f.script[0], f.script[1:]
	}
	f.mu.Unlock()
	if reply.Delay > 0 {
		time.Sleep(reply.Delay)
	}
	if msg, ok := twilioMessages[reply.Code]; ok {
		apiError(w, reply.Status, reply.Code, fmt.Sprintf(msg, r.PostForm.Get("To")))
		return
	}
	if reply.Status != http.StatusCreated {
		apiError(w, reply.Status, 20000+reply.Status, "scripted failure")
		return
	}
	f.accept(w, r)
}

func (f *Fake) accept(w http.ResponseWriter, r *http.Request) {
	m := Message{To: r.PostForm.Get("To"), From: r.PostForm.Get("From"), MessagingSID: r.PostForm.Get("MessagingServiceSid"),
		Body: r.PostForm.Get("Body"), StatusCallback: r.PostForm.Get("StatusCallback"), Accepted: time.Now()}
	if m.To == "" || m.Body == "" || (m.From == "" && m.MessagingSID == "") {
		apiError(w, http.StatusBadRequest, 21604, "To, Body and From are required")
		return
	}
	f.mu.Lock()
	f.sids++
	m.SID = fmt.Sprintf("SM%032d", f.sids)
	f.mu.Unlock()
	f.Record(m)
	if f.OnAccept != nil {
		f.OnAccept(m)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	json.NewEncoder(w).Encode(map[string]any{
		"sid": m.SID, "account_sid": f.AccountSID, "to": m.To, "from": m.From, "body": m.Body,
		"status": "queued", "num_segments": "1", "direction": "outbound-api",
	})
}

// Record keeps m as accepted, as if it had come through the API: the load
// harness's handsets record what its provider process accepted. A SID
// already recorded is ignored (a hand-over retried after a lost answer).
func (f *Fake) Record(m Message) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if m.SID != "" {
		if f.sidSeen[m.SID] {
			return
		}
		f.sidSeen[m.SID] = true
	}
	f.byPhone[m.To] = append(f.byPhone[m.To], len(f.messages))
	f.messages = append(f.messages, m)
	if ch, ok := f.next[m.To]; ok {
		close(ch)
		delete(f.next, m.To)
	}
}

func apiError(w http.ResponseWriter, status, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"code": code, "message": msg, "status": status,
		"more_info": "https://www.twilio.com/docs/errors/" + strings.TrimSpace(fmt.Sprint(code))})
}
