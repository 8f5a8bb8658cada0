package sipvoice

import (
	"github.com/emiago/sipgo/sip"

	"yuyue/booking"
)

// callerOf is the caller's number as the Twilio path stores it (E.164 when
// it is a real number): the trunk's P-Asserted-Identity when present (the
// network vouches for it), else the From user. A name or an anonymous
// caller keeps the URI, which identifies nobody.
func callerOf(req *sip.Request) string {
	if h := req.GetHeader("P-Asserted-Identity"); h != nil {
		var u sip.Uri
		params := sip.NewParams()
		if _, err := sip.ParseAddressValue(h.Value(), &u, &params); err == nil {
			if n := booking.CallerNumber("sip:" + u.User + "@" + u.Host); n != "" {
				return n
			}
		}
	}
	from := req.From()
	if from == nil {
		return ""
	}
	uri := "sip:" + from.Address.User + "@" + from.Address.Host
	if n := booking.CallerNumber(uri); n != "" {
		return n
	}
	return uri
}
