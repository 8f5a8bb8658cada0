package main

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"sync/atomic"
	"time"
)

// balancer is the load balancer in front of several yuyue nodes: every
// request goes to the next node in turn, without call affinity, and a
// request whose node does not answer (connection refused or reset: a killed
// node) is passed to the next one, as nginx's proxy_next_upstream error
// does. Twilio's webhooks are idempotent, so a retried request is safe.
type balancer struct {
	backends []string
	next     atomic.Uint64
	retried  atomic.Int64
	client   *http.Client
	srv      *http.Server
	base     string
}

func newBalancer(backends []string, conns int) (*balancer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	b := &balancer{backends: backends, base: "http://" + ln.Addr().String(),
		client: &http.Client{Timeout: 15 * time.Second, Transport: &http.Transport{MaxIdleConns: conns, MaxIdleConnsPerHost: conns}}}
	b.srv = &http.Server{Handler: b}
	go b.srv.Serve(ln)
	return b, nil
}

func (b *balancer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, "read body", http.StatusBadRequest)
		return
	}
	first := int(b.next.Add(1))
	for i := range len(b.backends) {
		be := b.backends[(first+i)%len(b.backends)]
		req, err := http.NewRequestWithContext(r.Context(), r.Method, be+r.URL.RequestURI(), bytes.NewReader(body))
		if err != nil {
			break
		}
		req.Header = r.Header.Clone()
		resp, err := b.client.Do(req)
		if err != nil {
			b.retried.Add(1)
			continue
		}
		for k, v := range resp.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(resp.StatusCode)
		io.Copy(w, resp.Body)
		resp.Body.Close()
		return
	}
	http.Error(w, "no node answered", http.StatusBadGateway)
}

func (b *balancer) close() { b.srv.Close() }
