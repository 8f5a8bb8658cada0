package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"yuyue/booking"
	"yuyue/catalog"
	"yuyue/store"
)

// snapshot is everything release could change, as one line.
func snapshot(t *testing.T, path, secret string) string {
	st, err := store.Open(context.Background(), path, secret)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var s string
	err = st.Reader().QueryRow(`SELECT
		(SELECT count(*) || '/' || sum(taken) FROM places) || ' ' ||
		(SELECT coalesce(group_concat(id || ':' || status || ':' || returned), '') FROM bookings) || ' ' ||
		(SELECT count(*) FROM audit) || ' ' || (SELECT count(*) FROM outbox)`).Scan(&s)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestJobsRunReleaseDryRunChangesNothing(t *testing.T) {
	e := testEnv(t, nil)
	dbPath := e.getenv("YUYUE_DATABASE")
	if err := run(context.Background(), []string{"migrate"}, e); err != nil {
		t.Fatal(err)
	}
	secretBytes, err := os.ReadFile(filepath.Join(filepath.Dir(dbPath), ".dev-secret-key"))
	if err != nil {
		t.Fatal(err)
	}
	secret := strings.TrimSpace(string(secretBytes))
	// a cancelled booking on the demo database: release has work to do
	st, err := store.Open(context.Background(), dbPath, secret)
	if err != nil {
		t.Fatal(err)
	}
	cat, _ := catalog.Demo()
	svc := booking.NewService(st, cat, booking.DefaultRules())
	ctx := context.Background()
	if _, err := svc.OpenPlaces(ctx); err != nil {
		t.Fatal(err)
	}
	id := "44030519900307123" + string(booking.IDCheckChar("44030519900307123"))
	c, err := svc.Register(ctx, booking.Actor{Name: "t"}, booking.Registration{Name: "张三", IDNumber: id, Phone: "13800138000"})
	if err != nil {
		t.Fatal(err)
	}
	st.InTx(ctx, func(tx booking.Tx) error { return svc.MarkPhoneVerified(ctx, tx, c.Phone, booking.PurposeBooking) })
	ps, _ := svc.Availability(ctx, booking.PlaceFilter{Business: "newborn", OnlyFree: true})
	h, err := svc.Hold(ctx, booking.Actor{Name: "t"}, c.ID, ps[len(ps)-1].ID) // days ahead: cancellable
	if err != nil {
		t.Fatal(err)
	}
	b, err := svc.Confirm(ctx, booking.Actor{Name: "t"}, h.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Cancel(ctx, booking.Actor{Name: "t"}, b.ID); err != nil {
		t.Fatal(err)
	}
	st.Close()

	before := snapshot(t, dbPath, secret)
	var out bytes.Buffer
	if err := run(ctx, []string{"jobs", "run", "release", "--dry-run"}, e.with("", &out)); err != nil {
		t.Fatalf("dry run: %v", err)
	}
	if !strings.Contains(out.String(), "places_returned=1") || !strings.Contains(out.String(), "dry run") {
		t.Fatalf("dry run output: %q", out.String())
	}
	if after := snapshot(t, dbPath, secret); after != before {
		t.Fatalf("dry run changed the database:\nbefore %s\nafter  %s", before, after)
	}
	out.Reset()
	if err := run(ctx, []string{"jobs", "run", "release"}, e.with("", &out)); err != nil {
		t.Fatal(err)
	}
	if after := snapshot(t, dbPath, secret); after == before {
		t.Fatal("the real run changed nothing either: the comparison proves nothing")
	}
	out.Reset()
	if err := run(ctx, []string{"jobs", "list"}, e.with("", &out)); err != nil || !strings.Contains(out.String(), "release") || !strings.Contains(out.String(), "next") {
		t.Fatalf("jobs list: %v %q", err, out.String())
	}
}

// A purge dry run over more than one transaction's worth says where it
// stopped counting, in words an on-call engineer can act on.
func TestJobsRunPurgeDryRunSaysItCountedOneTransaction(t *testing.T) {
	e := testEnv(t, nil)
	dbPath := e.getenv("YUYUE_DATABASE")
	ctx := context.Background()
	if err := run(ctx, []string{"migrate"}, e); err != nil {
		t.Fatal(err)
	}
	secretBytes, err := os.ReadFile(filepath.Join(filepath.Dir(dbPath), ".dev-secret-key"))
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, dbPath, strings.TrimSpace(string(secretBytes)))
	if err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-72 * time.Hour)
	err = st.InTx(ctx, func(tx booking.Tx) error {
		for i := range 1001 { // one more than a purge transaction takes
			c := booking.VerificationCode{Phone: "+8613800000000", Purpose: "login", Hash: []byte{byte(i)},
				CreatedAt: old, ExpiresAt: old.Add(time.Minute)}
			if err := tx.InsertCode(&c); err != nil {
				return err
			}
		}
		return nil
	})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(ctx, []string{"jobs", "run", "purge", "--dry-run"}, e.with("", &out)); err != nil {
		t.Fatalf("dry run: %v", err)
	}
	if s := out.String(); !strings.Contains(s, "codes_at_least=1000") || !strings.Contains(s, "N or more") || !strings.Contains(s, "nothing changed") {
		t.Fatalf("dry run output: %q", s)
	}
	out.Reset()
	if err := run(ctx, []string{"jobs", "run", "purge"}, e.with("", &out)); err != nil || !strings.Contains(out.String(), "codes=1001") {
		t.Fatalf("real run: %v %q", err, out.String())
	}
}
