package present

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limiter is a token bucket per key (a client address, a citizen). It is
// per process: with several nodes each allows the rate.
type Limiter struct {
	mu    sync.Mutex
	r     rate.Limit
	burst int
	m     map[string]*rate.Limiter
}

// maxKeys bounds the memory one flood of addresses can take; when reached
// the map starts again, which only forgives.
const maxKeys = 100_000

// NewLimiter allows perSecond requests per key, burst at once.
func NewLimiter(perSecond float64, burst int) *Limiter {
	return &Limiter{r: rate.Limit(perSecond), burst: burst, m: map[string]*rate.Limiter{}}
}

// Allow reports whether key may make one more request now.
func (l *Limiter) Allow(key string) bool {
	l.mu.Lock()
	lim, ok := l.m[key]
	if !ok {
		if len(l.m) >= maxKeys {
			l.m = map[string]*rate.Limiter{}
		}
		lim = rate.NewLimiter(l.r, l.burst)
		l.m[key] = lim
	}
	l.mu.Unlock()
	return lim.AllowN(time.Now(), 1)
}
