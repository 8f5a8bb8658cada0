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

// Purge deletes the personal data p says is old enough, in one transaction.
func (s *Service) Purge(ctx context.Context, p PurgePolicy) (r PurgeResult, err error) {
	err = s.store.InTx(ctx, func(tx Tx) (err error) { r, err = tx.Purge(p); return err })
	return r, err
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
