package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// awaitCode waits for a code the caller has not used yet. The outbox
// worker delivers it shortly after the step that queued it. When none
// comes, yuyue held the resend back (a code went to this phone less than
// sms.resend_after ago, e.g. on the previous call): the caller does what
// the prompt says, presses * again every few seconds until a new code
// arrives. It returns the gather action now current.
func (p *phone) awaitCode(ctx context.Context, path string) (string, error) {
	if p.waitFreshCode(ctx, 10*time.Second) {
		return path, nil
	}
	fmt.Fprintln(p.out, "  (no new code yet: yuyue holds resends back for a while; pressing * until one comes)")
	for end := time.Now().Add(2 * time.Minute); time.Now().Before(end) && ctx.Err() == nil; {
		time.Sleep(5 * time.Second)
		fmt.Fprintln(p.out, "  ⌨ * (resend)")
		doc, err := p.post(ctx, path, url.Values{"Digits": {"*"}})
		if err != nil {
			return "", err
		}
		next, ended := p.follow(doc)
		if ended || !strings.Contains(next, "/gather") {
			return "", errors.New("the call left the code step while waiting for a code")
		}
		path = next
		if p.waitFreshCode(ctx, 3*time.Second) {
			return path, nil
		}
	}
	if ctx.Err() != nil {
		return "", ctx.Err()
	}
	return "", errors.New("no verification code arrived in the development inbox")
}

// waitFreshCode polls the inbox for up to d for a code not used yet.
func (p *phone) waitFreshCode(ctx context.Context, d time.Duration) bool {
	for end := time.Now().Add(d); time.Now().Before(end) && ctx.Err() == nil; time.Sleep(100 * time.Millisecond) {
		if p.showSMS(ctx); p.lastCode != "" && p.lastCode != p.usedCode {
			return true
		}
	}
	return false
}
