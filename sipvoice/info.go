package sipvoice

import (
	"bufio"
	"bytes"
	"strings"

	"github.com/emiago/sipgo/sip"
)

func isDTMFRelay(req *sip.Request) bool {
	ct := req.ContentType()
	return ct != nil && strings.EqualFold(strings.TrimSpace(ct.Value()), "application/dtmf-relay")
}

// infoKey takes a key sent as SIP INFO (application/dtmf-relay,
// "Signal=5"): the fallback for trunks that do not send RFC 4733 events.
func (s *Server) infoKey(req *sip.Request, tx sip.ServerTransaction) {
	var l *line
	if id := req.CallID(); id != nil {
		if v, ok := s.lines.Load(id.Value()); ok {
			l = v.(*line)
		}
	}
	key, ok := signalOf(req.Body())
	switch {
	case l == nil:
		_ = tx.Respond(sip.NewResponseFromRequest(req, sip.StatusCallTransactionDoesNotExists, "Call/Transaction Does Not Exist", nil))
	case !ok:
		_ = tx.Respond(sip.NewResponseFromRequest(req, sip.StatusBadRequest, "Bad Request", nil))
	default:
		l.key(key)
		_ = tx.Respond(sip.NewResponseFromRequest(req, sip.StatusOK, "OK", nil))
	}
}

// signalOf reads the Signal line of a dtmf-relay body.
func signalOf(body []byte) (rune, bool) {
	sc := bufio.NewScanner(bytes.NewReader(body))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(k), "signal") {
			continue
		}
		v = strings.TrimSpace(v)
		if v == "10" { // some gateways send the event code
			v = "*"
		} else if v == "11" {
			v = "#"
		}
		if len(v) == 1 && strings.Contains("0123456789*#", v) {
			return rune(v[0]), true
		}
	}
	return 0, false
}
