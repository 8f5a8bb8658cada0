package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
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
	p := &provider{Fake: twiliotest.New(accountSID, authToken)}
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
	return http.Serve(ln, providerHandler(sink))
}

// providerHandler is the fake Twilio API (and /healthz) of the provider
// process: each accepted message is handed on to the handsets at sink,
// with its SID and acceptance time, retried until they take it, by a few
// goroutines so that a send is answered without waiting for the hand-over.
func providerHandler(sink string) http.Handler {
	f := twiliotest.New(accountSID, authToken)
	f.Close() // served by the returned handler, not on the fake's own listener
	out := make(chan twiliotest.Message, 1<<16)
	f.OnAccept = func(m twiliotest.Message) { out <- m }
	hc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 8}}
	for range 8 {
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
	mux.Handle("/", f)
	return mux
}
