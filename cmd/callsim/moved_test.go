package main

import (
	"context"
	"net"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"yuyue/webhook"
)

// A server moved with YUYUE_HTTP_ADDR alone still checks signatures against
// its old public_url: callsim, signing for the address it calls, is
// refused, and says that public_url must match and that the two settings
// change together.
func TestMovedServerSaysPublicURLMustMatch(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Use(webhook.Verify("http://127.0.0.1:8080", webhook.DevAuthToken))
	app.Post("/twilio/voice", func(c *fiber.Ctx) error { return c.SendString("<Response/>") })
	go app.Listener(ln)
	t.Cleanup(func() { app.Shutdown() })
	base := "http://" + ln.Addr().String()
	p := &phone{base: base, public: base, token: webhook.DevAuthToken, from: "+8613800138000", sid: "CAmoved"}
	_, err = p.post(context.Background(), "/twilio/voice", nil)
	if err == nil {
		t.Fatal("a webhook signed for another address was accepted")
	}
	for _, want := range []string{"public_url", "YUYUE_HTTP_ADDR", "YUYUE_PUBLIC_URL", "--public-url", base} {
		if !strings.Contains(err.Error(), want) {
			t.Fatalf("the refusal does not say %q: %v", want, err)
		}
	}
}
