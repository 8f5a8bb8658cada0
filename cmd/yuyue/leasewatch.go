package main

import (
	"context"
	"log/slog"
	"time"
)

// defaultLeaseWatch is how often serve checks its lease between /readyz
// polls; tests shorten leaseWatchEvery.
const defaultLeaseWatch = 10 * time.Second

var leaseWatchEvery = defaultLeaseWatch

// watchLease logs loudly, once per change, when the lease is lost or its
// lock file removed: /readyz reports it too, but only to whoever polls.
func watchLease(ctx context.Context, log *slog.Logger, ls lease) {
	t := time.NewTicker(leaseWatchEvery)
	defer t.Stop()
	last := ""
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		now := ""
		if err := ls.Check(); err != nil {
			now = err.Error()
		}
		switch {
		case now != "" && now != last:
			log.Error("LEASE: "+now, "action", "find who removed or moved it; restart the server")
		case now == "" && last != "":
			log.Info("lease checks pass again")
		}
		last = now
	}
}
