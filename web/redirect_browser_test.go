package web_test

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"golang.org/x/crypto/bcrypt"

	"yuyue/booking"
	"yuyue/store/storetest"
)

// Issue 22 item 6 in a real browser: Chromium drops the tab of
// next=%2F%09%2F<host>, so a redirect to "/\t/<host>" would leave the
// site. The "evil" host is a second local server that counts its visitors.
func TestItem6LoginNextStaysOnTheSiteInChromium(t *testing.T) {
	chromium(t)
	e := newEnv(t, roomy)
	e.listen()
	var visits atomic.Int32
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	evil := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		visits.Add(1)
		w.Write([]byte("<h1 id=evil>evil</h1>"))
	})}
	go evil.Serve(ln)
	t.Cleanup(func() { evil.Close() })
	cz := e.Citizen(t, 1)
	hash, _ := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
	if err := e.InTx(ctx, func(tx booking.Tx) error {
		return tx.PutAccount(booking.Account{CitizenID: cz.ID, PasswordHash: hash})
	}); err != nil {
		t.Fatal(err)
	}
	b := e.browser(t, 390, 844)
	host := ln.Addr().String()
	for _, next := range []string{"/\t/" + host + "/", "/\\" + host + "/", "/\n/" + host + "/"} {
		b.open("/login?next="+url.QueryEscape(next), "#login-button")
		b.do("log in", chromedp.SendKeys(css("#login"), storetest.ID(1)), chromedp.SendKeys(css("#password"), password),
			chromedp.Click(css("#login-button")))
		// wait until the browser has left the login page, wherever it went
		wait, cancel := context.WithTimeout(b.ctx, 30*time.Second) // only bounds a failure
		var err error
		for wait.Err() == nil { // a navigation during the poll interrupts it: poll again
			if _, err = chromedp.Run(wait, chromedp.Poll[bool](`!location.pathname.startsWith("/login") && document.readyState === "complete"`)); err == nil {
				break
			}
		}
		cancel()
		loc, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`location.href`))
		if err != nil {
			t.Fatalf("next %q: the browser did not leave the login page (%s): %v", next, loc, err)
		}
		if err != nil {
			t.Fatal(err)
		}
		if loc != e.base+"/me" || visits.Load() != 0 {
			t.Fatalf("next %q: the browser is at %s (%d visits to the other host)", next, loc, visits.Load())
		}
		e.InTx(ctx, func(tx booking.Tx) error { return tx.RevokeCitizenTokens(cz.ID, nil, e.Clock.Now()) })
	}
}
