package sipvoice_test

import (
	"errors"
	"testing"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
)

// With sip.username/sip.password set, an INVITE must answer a digest
// challenge: without credentials it is challenged (401 with
// WWW-Authenticate), with wrong ones refused (403, not left unanswered), and neither becomes a call;
// the right ones are answered and the caller hears the menu.
func TestDigestAuthGuardsInvites(t *testing.T) {
	h := newHarness(t, opts{user: "trunk114", pass: "s3cret-114"})
	c := h.e.Citizen(t, 2)

	_, _, err := h.inviteWith(c.Phone, callOpts{})
	res := refusal(t, "no credentials", err)
	if res.StatusCode != 401 || res.GetHeader("WWW-Authenticate") == nil {
		t.Fatalf("an INVITE without credentials got %s, want a 401 challenge", res.StartLine())
	}

	_, _, err = h.inviteWith(c.Phone, callOpts{user: "trunk114", pass: "wrong"})
	if res := refusal(t, "wrong password", err); res.StatusCode != 403 {
		t.Fatalf("an INVITE with a wrong password got %s, want 403", res.StartLine())
	}
	_, _, err = h.inviteWith(c.Phone, callOpts{user: "intruder", pass: "s3cret-114"})
	if res := refusal(t, "wrong user", err); res.StatusCode != 403 {
		t.Fatalf("an INVITE with a wrong user got %s, want 403", res.StartLine())
	}
	if n := h.callsPrompted(); n != 0 {
		t.Fatalf("refused INVITEs reached the IVR: %d calls were prompted", n)
	}

	p := h.dialWith(c.Phone, callOpts{user: "trunk114", pass: "s3cret-114"})
	p.expect("menu", "欢迎致电")
	p.hangup()
	p.waitEnded()
}

// refusal is the final response a failed INVITE got.
func refusal(t *testing.T, what string, err error) *sip.Response {
	t.Helper()
	// sipgo returns the response by value or by pointer, depending on
	// where the dialog failed.
	var re sipgo.ErrDialogResponse
	if errors.As(err, &re) {
		return re.Res
	}
	var rp *sipgo.ErrDialogResponse
	if errors.As(err, &rp) {
		return rp.Res
	}
	t.Fatalf("%s: INVITE: want a refusal, got %v", what, err)
	return nil
}

// callsPrompted counts the calls the server has played a prompt to.
func (h *harness) callsPrompted() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.views)
}
