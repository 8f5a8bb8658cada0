package sipvoice

import (
	"testing"

	"github.com/emiago/sipgo/sip"
)

func TestAllowListTakesCIDRsAndAddresses(t *testing.T) {
	l, err := parseTrunks([]string{"10.20.0.0/16", " 192.0.2.7 ", "::ffff:198.51.100.1"})
	if err != nil {
		t.Fatal(err)
	}
	for src, want := range map[string]bool{
		"10.20.3.4:5060": true, "10.21.0.1:5060": false, "192.0.2.7:5062": true, "192.0.2.8:5060": false,
		"198.51.100.1:5060": true, "[::1]:5060": false, "garbage": false,
	} {
		if got := l.allows(src); got != want {
			t.Errorf("allows(%s) = %v, want %v", src, got, want)
		}
	}
	if _, err := parseTrunks([]string{"no such host.invalid"}); err == nil {
		t.Error("an unresolvable host must stop start-up")
	}
}

func TestCallerPrefersPAssertedIdentity(t *testing.T) {
	req := func(from, pai string) *sip.Request {
		var u sip.Uri
		if err := sip.ParseUri(from, &u); err != nil {
			t.Fatal(err)
		}
		r := sip.NewRequest(sip.INVITE, sip.Uri{User: "114", Host: "yuyue.test"})
		r.AppendHeader(&sip.FromHeader{Address: u, Params: sip.NewParams()})
		if pai != "" {
			r.AppendHeader(sip.NewHeader("P-Asserted-Identity", pai))
		}
		return r
	}
	cases := []struct{ from, pai, want string }{
		{"sip:trunk@10.0.0.1", "<sip:+8613800001111@10.0.0.1>", "+8613800001111"},
		{"sip:13800002222@10.0.0.1", "", "+8613800002222"},
		{"sip:075512345678@10.0.0.1", "", "+8675512345678"},
		{"sip:anonymous@anonymous.invalid", "", "sip:anonymous@anonymous.invalid"},
	}
	for _, c := range cases {
		if got := callerOf(req(c.from, c.pai)); got != c.want {
			t.Errorf("From %s PAI %q: %q, want %q", c.from, c.pai, got, c.want)
		}
	}
}
