package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"time"

	"yuyue/sms/twiliotest"
)

// provider is where yuyue's nodes send SMS and where callers read them.
// The fake Twilio API runs in a process of its own (loadcall
// --provider), as the real provider runs elsewhere: served from inside
// loadcall, each send waited in the Go scheduler behind thousands of
// simulated callers and the balancer, and a rush's codes were timed by the
// load generator's backlog, not yuyue's. The provider process hands every
// message it accepted, with its acceptance time, to the handsets: the
// embedded Fake in this process, which callers read (To, Next, Messages).
type provider struct {
	*twiliotest.Fake        // the handsets: every message accepted
	URL              string // the provider's API, for twilio.api_url
	srv              *server
	sink             *httptest.Server
}

// startProvider starts the provider process, logging into dir.
func startProvider(ctx context.Context, dir string) (*provider, error) {
	p := &provider{Fake: twiliotest.NewHandler(accountSID, authToken)}
	p.sink = httptest.NewServer(handsetSink(p.Fake))
	addr, err := freeAddr()
	if err != nil {
		p.close()
		return nil, err
	}
	self, err := os.Executable()
	if err != nil {
		p.close()
		return nil, err
	}
	if p.srv, err = start(ctx, dir, self, []string{"--provider", addr, p.sink.URL}, nil, "http://"+addr); err != nil {
		p.close()
		return nil, err
	}
	p.URL = "http://" + addr
	return p, nil
}

// accepted asks the provider process how many messages it accepted.
func (p *provider) accepted() (int, error) {
	resp, err := http.Get(p.URL + "/accepted")
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var n int
	err = json.NewDecoder(resp.Body).Decode(&n)
	return n, err
}

// settle waits until the handsets hold every message the provider process
// accepted (its hand-over is asynchronous), at most 30 s: a check of what
// was sent reads them after it.
func (p *provider) settle() {
	for end := time.Now().Add(30 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		if n, err := p.accepted(); err == nil && len(p.Messages()) >= n {
			return
		}
	}
	fmt.Fprintln(os.Stderr, "provider: the handsets did not receive every accepted message within 30 s")
}

func (p *provider) close() {
	if p.srv != nil {
		p.srv.stop()
	}
	if p.sink != nil {
		p.sink.Close()
	}
	p.Fake.Close()
}

// handsetSink takes the messages the provider process hands on (JSON, one
// per request) into handsets.
func handsetSink(handsets *twiliotest.Fake) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m twiliotest.Message
		if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		handsets.Record(m)
	})
}

// serveProvider is the provider process: providerHandler on addr.
func serveProvider(addr, sink string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	h, _ := providerHandler(sink)
	return http.Serve(ln, h)
}

// handOvers is how many goroutines hand accepted messages on; one number's
// messages always go through the same one, so they reach its handset in
// the order they were accepted (a caller sent two codes enters the last).
const handOvers = 8

// providerHandler is the fake Twilio API of the provider process, with
// /healthz and /accepted (how many messages it accepted): each accepted
// message is handed on to the handsets at sink, with its SID and
// acceptance time, retried until they take it, by goroutines of their own
// so that a send is answered without waiting for the hand-over. stop ends
// those goroutines.
func providerHandler(sink string) (h http.Handler, stop func()) {
	f := twiliotest.NewHandler(accountSID, authToken)
	var outs [handOvers]chan twiliotest.Message
	for i := range outs {
		outs[i] = make(chan twiliotest.Message, 1<<13)
	}
	f.OnAccept = func(m twiliotest.Message) { outs[fnv32(m.To)%handOvers] <- m }
	hc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: handOvers}}
	for _, out := range outs {
		go func() {
			for m := range out {
				body, _ := json.Marshal(m)
				for {
					resp, err := hc.Post(sink, "application/json", bytes.NewReader(body))
					if err == nil {
						resp.Body.Close()
						if resp.StatusCode == http.StatusOK {
							break
						}
						err = fmt.Errorf("handsets answered %s", resp.Status)
					}
					fmt.Fprintln(os.Stderr, "provider: handing a message on:", err)
					time.Sleep(100 * time.Millisecond)
				}
			}
		}()
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) })
	mux.HandleFunc("/accepted", func(w http.ResponseWriter, r *http.Request) { json.NewEncoder(w).Encode(len(f.Messages())) })
	mux.Handle("/", f)
	return mux, func() {
		for _, out := range outs {
			close(out)
		}
	}
}

// fnv32 is the FNV-1a hash of s.
func fnv32(s string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(s))
	return h.Sum32()
}
