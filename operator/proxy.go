package operator

import "github.com/gofiber/fiber/v2"

// TrustProxies makes ctx.IP() the client address that the listed proxies
// (http.trusted_proxies) put in X-Real-IP, and ignores that header from
// anyone else. With no proxies the header is never read: a client could
// otherwise choose the address that login throttling sees.
func TrustProxies(cfg *fiber.Config, cidrs []string) {
	if len(cidrs) == 0 {
		return
	}
	cfg.EnableTrustedProxyCheck = true
	cfg.TrustedProxies = cidrs
	cfg.ProxyHeader = "X-Real-IP"
	cfg.EnableIPValidation = true
}
