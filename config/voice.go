package config

import (
	"fmt"
	"regexp"
	"strings"
)

// Operator target kinds: where a transfer to a human goes.
const (
	OperatorSIP    = "sip"    // <Dial><Sip>: the 114 centre's exchange
	OperatorNumber = "number" // <Dial><Number>, through a BYOC trunk when one is set
)

var (
	byocSID  = regexp.MustCompile(`^BY[0-9a-fA-F]{32}$`)
	sipURI   = regexp.MustCompile(`^sips?:[^@\s?]+@[A-Za-z0-9.\-]+(:[0-9]+)?(;[^\s?]*)?$`)
	sipCall  = regexp.MustCompile(`^[A-Za-z0-9+\-_.]{1,64}$`)
	mainland = "+86"
)

// OperatorTarget reads voice.operator: its kind and the address to dial
// (a SIP URI, or an E.164 number with tel: stripped). Empty means no
// operator; an error says what is wrong with the value.
func (v Voice) OperatorTarget() (kind, addr string, err error) {
	op := strings.TrimSpace(v.Operator)
	switch {
	case op == "":
		return "", "", nil
	case strings.HasPrefix(op, "sip:") || strings.HasPrefix(op, "sips:"):
		if !sipURI.MatchString(op) {
			return "", "", fmt.Errorf("%q is not a SIP URI like sip:agents@pbx.example (no ?headers: yuyue adds its own)", op)
		}
		return OperatorSIP, op, nil
	}
	num := strings.TrimPrefix(op, "tel:")
	if !e164.MatchString(num) {
		return "", "", fmt.Errorf("%q is neither sip:user@host nor an E.164 number (+…, or tel:+…)", op)
	}
	if strings.HasPrefix(num, mainland) && v.OperatorBYOC == "" {
		return "", "", fmt.Errorf("%s is a mainland China number: Twilio places no calls to +86 numbers, so set voice.operator_byoc to the BYOC trunk of the 114 centre's carrier, or use a sip: URI", num)
	}
	return OperatorNumber, num, nil
}
