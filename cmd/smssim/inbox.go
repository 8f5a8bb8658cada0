package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"time"
)

// devMessage is one entry of yuyue's development inbox (/dev/inbox).
type devMessage struct {
	ID   int64  `json:"id"`
	To   string `json:"to"`
	Body string `json:"body"`
}

// inbox reads the development inbox for one number; outside development
// mode there is none and it stays silent.
type inbox struct {
	base, to string
	seen     int64
}

// skipOld remembers the newest message already there, so that only what
// this reply causes is shown.
func (in *inbox) skipOld(ctx context.Context) { in.fetch(ctx) }

// await returns new messages for the number, waiting up to d; it returns
// early once messages came and a second passed without more.
func (in *inbox) await(ctx context.Context, d time.Duration) []devMessage {
	var got []devMessage
	quietSince := time.Time{}
	for end := time.Now().Add(d); time.Now().Before(end) && ctx.Err() == nil; time.Sleep(200 * time.Millisecond) {
		if ms := in.fetch(ctx); len(ms) > 0 {
			got, quietSince = append(got, ms...), time.Now()
		} else if !quietSince.IsZero() && time.Since(quietSince) > time.Second {
			break
		}
	}
	return got
}

// fetch returns messages newer than the last seen, oldest first.
func (in *inbox) fetch(ctx context.Context) []devMessage {
	req, err := http.NewRequestWithContext(ctx, "GET", in.base+"/dev/inbox?to="+url.QueryEscape(in.to), nil)
	if err != nil {
		return nil
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil
	}
	defer resp.Body.Close()
	var ms []devMessage
	if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&ms) != nil {
		return nil
	}
	var fresh []devMessage
	for i := len(ms) - 1; i >= 0; i-- { // the inbox lists newest first
		if ms[i].ID > in.seen {
			in.seen = ms[i].ID
			fresh = append(fresh, ms[i])
		}
	}
	return fresh
}
