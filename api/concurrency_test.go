package api_test

import (
	"bytes"
	"encoding/json"
	"net"
	"net/http"
	"sync"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"yuyue/booking"
)

// tenPlaces has one office whose periods each hold 10.
const tenPlaces = `
businesses: [{code: newborn, name: 新生儿入户, notice: 须知, bring: 证明}]
districts: [{code: futian, name: 福田区}]
offices: [{code: FT01, name: 福田派出所户政室, district: futian, address: 福华路100号}]
defaults: {periods: [{start: "09:00", end: "10:00", capacity: 10}]}
`

func TestConcurrentHoldsNeverOversell(t *testing.T) {
	e := newEnv(t, roomy, tenPlaces)
	hash, _ := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
	const n = 200
	tokens := make([]string, n)
	for i := range n {
		c := e.Citizen(t, i+1)
		if err := e.InTx(ctx, func(tx booking.Tx) error {
			return tx.PutAccount(booking.Account{CitizenID: c.ID, PasswordHash: hash})
		}); err != nil {
			t.Fatal(err)
		}
		tokens[i] = e.must(e.call("POST", "/api/v1/login", "", map[string]any{"login": c.Phone, "password": password}), 200).body["token"].(string)
	}
	place := e.Place(t, "FT01", "newborn", "2026-12-01", "09:00")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go e.app.Listener(ln)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: n}}
	t.Cleanup(func() { client.CloseIdleConnections(); e.app.Shutdown() })
	url := "http://" + ln.Addr().String() + "/api/v1/holds"
	body, _ := json.Marshal(map[string]any{"place_id": place.ID, "notice_read": true})

	var wg sync.WaitGroup
	var mu sync.Mutex
	counts := map[int]int{}
	start := make(chan struct{})
	for _, tok := range tokens {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			req, _ := http.NewRequest("POST", url, bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+tok)
			res, err := client.Do(req)
			status := -1
			if err == nil {
				status = res.StatusCode
				var e struct{ Code string }
				json.NewDecoder(res.Body).Decode(&e)
				res.Body.Close()
				if status == 409 && e.Code != "full" {
					status = -409
				}
			}
			mu.Lock()
			counts[status]++
			mu.Unlock()
		}()
	}
	close(start)
	wg.Wait()
	if counts[201] != 10 || counts[409] != n-10 {
		t.Fatalf("200 concurrent holds on 10 places: %v (want 10×201, 190×409 full)", counts)
	}
	got := e.Place(t, "FT01", "newborn", "2026-12-01", "09:00")
	bs, _ := e.Svc.Bookings(ctx, booking.BookingFilter{PlaceID: place.ID, Statuses: []booking.Status{booking.StatusHeld}})
	if got.Taken != 10 || len(bs) != 10 {
		t.Fatalf("taken %d, %d holds", got.Taken, len(bs))
	}
}
