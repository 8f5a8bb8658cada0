package booking

import (
	"context"
	"errors"
	"time"
)

// ClaimFire records that the scheduler node by runs job's fire at fireAt;
// false when another node (or process) claimed it first.
func (s *Service) ClaimFire(ctx context.Context, job string, fireAt time.Time, by string) (claimed bool, err error) {
	err = s.store.InTx(ctx, func(tx Tx) (err error) {
		claimed, err = tx.ClaimFire(job, fireAt, by, s.Now())
		return err
	})
	return claimed, err
}

// FinishFire records a claimed fire's result and error text.
func (s *Service) FinishFire(ctx context.Context, job string, fireAt time.Time, result, errText string) error {
	return s.store.InTx(ctx, func(tx Tx) error { return tx.FinishFire(job, fireAt, s.Now(), result, errText) })
}

// Purge deletes the personal data p says is old enough. With p.Limit set
// it runs transactions of at most that many rows of each kind until one
// finds fewer of every kind, so no transaction holds more than a bounded
// amount of the writer's memory and time (SQLite keeps what a savepoint
// changed in memory); what committed before a failure stays deleted, and
// the next run goes on.
//
// A dry run is the first of those transactions, rolled back: it holds the
// writer no longer than one real transaction does, whatever the backlog.
// A kind that reached p.Limit is reported as name+AtLeast, and so is every
// one of a citizen's deletions when any of them did, since the citizens a
// later transaction would purge are not counted. "At least" is always a
// true lower bound and may be exact (call journeys are bounded by calls but
// counted in rows); a count without it is exact.
func (s *Service) Purge(ctx context.Context, p PurgePolicy) (PurgeResult, error) {
	_, dry := s.store.(dryStore)
	total := PurgeResult{}
	for {
		var r PurgeResult
		err := s.store.InTx(ctx, func(tx Tx) (err error) { r, err = tx.Purge(p); return err })
		if err != nil {
			return total, err
		}
		if dry {
			return dryPurgeResult(r, p.Limit), nil
		}
		again := map[string]bool{}
		for kind, n := range r {
			total[kind] += n
			if p.Limit > 0 && n >= p.Limit {
				again[kind] = true
			}
		}
		if len(again) == 0 {
			return total, nil
		}
		p.Again = again
	}
}

// dryPurgeResult marks the kinds of a dry run's one bounded transaction
// that may have more than it counted (limit 0: none, it took everything).
func dryPurgeResult(r PurgeResult, limit int) PurgeResult {
	citizens := false // one of a citizen's deletions reached the bound
	for kind, n := range r {
		citizens = citizens || (limit > 0 && n >= limit && CitizenPurge(kind))
	}
	out := PurgeResult{}
	for kind, n := range r {
		if limit > 0 && (n >= limit || (citizens && CitizenPurge(kind))) {
			kind += AtLeast
		}
		out[kind] = n
	}
	return out
}

// PurgeConsole deletes console sessions expired or idle since idleBefore
// and login attempts older than failuresBefore.
func (s *Service) PurgeConsole(ctx context.Context, now, idleBefore, failuresBefore time.Time) (sessions, failures int, err error) {
	err = s.store.InTx(ctx, func(tx Tx) (err error) {
		sessions, failures, err = tx.PurgeConsole(now, idleBefore, failuresBefore)
		return err
	})
	return sessions, failures, err
}

// errRollback ends a dry run's transactions without committing.
var errRollback = errors.New("dry run: rolled back")

// dryStore runs every transaction and rolls it back.
type dryStore struct{ Store }

func (d dryStore) InTx(ctx context.Context, fn func(Tx) error) error {
	err := d.Store.InTx(ctx, func(tx Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return errRollback
	})
	if errors.Is(err, errRollback) {
		return nil
	}
	return err
}

// DryRun returns a copy of the service whose writes are rolled back, so a
// job reports what it would do and changes nothing.
func (s *Service) DryRun() *Service {
	c := *s
	c.store = dryStore{s.store}
	return &c
}
