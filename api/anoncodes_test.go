package api_test

import (
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"yuyue/api"
	"yuyue/booking"
	"yuyue/store/storetest"
)

// Issue 22 item 4: anonymous code requests have a budget of their own per
// number and per address; they cannot spend the number's quota, so the
// citizen still gets codes on their call or signed-in session.
func TestItem4AnonymousCodesCannotExhaustANumber(t *testing.T) {
	e := newEnv(t, roomy)
	codes := &booking.Codes{Svc: e.Svc, Key: []byte("k"), Rules: booking.CodeRules{TTL: 5 * time.Minute, Attempts: 5,
		ResendAfter: time.Minute, PerHour: 5, PerDay: 10, PerCallerDay: 1000}}
	app := fiber.New(fiber.Config{Immutable: true, DisableStartupMessage: true})
	api.New(e.ac, codes, slog.New(slog.NewTextHandler(io.Discard, nil)), roomy).Mount(app)
	e.app = app
	ask := func(phone string) resp {
		e.Clock.Advance(61 * time.Second)
		return e.call("POST", "/api/v1/codes", "", map[string]any{"purpose": "password", "phone": phone})
	}
	victim := storetest.Phone(1)
	var took, refused int
	for range 12 {
		switch r := ask(victim); r.status {
		case 202:
			took++
		case 429:
			refused++
		default:
			t.Fatalf("anonymous code: %d %s", r.status, r.raw)
		}
	}
	if took > booking.AnonPerNumberHour || refused == 0 {
		t.Fatalf("a stranger got %d codes to one number in 12 minutes (budget %d)", took, booking.AnonPerNumberHour)
	}
	// the citizen's own call still gets every code of the number's quota
	for i := range 5 {
		e.Clock.Advance(61 * time.Second)
		if err := codes.Issue(ctx, victim, booking.PurposeBooking, victim); err != nil {
			t.Fatalf("own code %d after the stranger: %v", i+1, err)
		}
	}
	// one address asking for many numbers is stopped by its own budget
	e.Clock.Advance(2 * time.Hour)
	for n := 10; ; n++ {
		r := ask(storetest.Phone(n))
		if r.status == 429 {
			if n-10 != booking.AnonPerAddrHour {
				t.Fatalf("address refused after %d numbers, budget %d", n-10, booking.AnonPerAddrHour)
			}
			break
		}
		if n > 100 {
			t.Fatal("one address got codes to 90 numbers in an hour and a half")
		}
	}
}
