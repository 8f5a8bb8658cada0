package sipvoice

import (
	"fmt"
	"net"
	"net/netip"
	"strings"
)

// allowList is the set of addresses the 114 centre's trunk sends from.
// Host names are resolved once at start: a trunk that moves is a
// configuration change, not something a forged DNS answer may decide.
type allowList []netip.Prefix

func parseTrunks(entries []string) (allowList, error) {
	var out allowList
	for _, e := range entries {
		e = strings.TrimSpace(e)
		if e == "" {
			continue
		}
		if p, err := netip.ParsePrefix(e); err == nil {
			out = append(out, p.Masked())
			continue
		}
		if a, err := netip.ParseAddr(e); err == nil {
			out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
			continue
		}
		addrs, err := net.LookupHost(e)
		if err != nil {
			return nil, fmt.Errorf("sip.trunks: %q is neither a CIDR nor a resolvable host: %w", e, err)
		}
		for _, s := range addrs {
			a := netip.MustParseAddr(s).Unmap()
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
		}
	}
	return out, nil
}

// allows reports whether a request's source (host:port) is a trunk.
func (l allowList) allows(source string) bool {
	host, _, err := net.SplitHostPort(source)
	if err != nil {
		host = source
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	a = a.Unmap()
	for _, p := range l {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
