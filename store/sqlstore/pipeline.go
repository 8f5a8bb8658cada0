package sqlstore

import (
	"context"
	"errors"
)

// Step saves sent together. In a group-commit batch of Light units (call
// steps that only move a call along) each unit's one write is its
// SaveStep, the last thing it does, and on PostgreSQL each save was a
// round trip of its own, one after another on the batch's connection.
// Where the dialect can send several statements in one message
// (Pipeliner), such a save waits instead and goes with the saves after
// it, in one round trip, just before the transaction's next other
// statement or its commit. The order of the statements is kept: nothing
// else runs on the transaction while a save waits.
//
// A save that waits has not been told yet whether its compare-and-set
// held, and SaveStep returns nil at once. When the answer comes back:
//   - a save that changed no row (the call had moved on: a retried or
//     stale webhook) wrote nothing. If its unit has finished, that unit
//     runs again alone after the batch commits (runBatch), where its save
//     runs at once and it gets the answer it would have had (EConflict).
//   - If its unit is still running, it has gone on as if saved: the
//     batch is abandoned, and every unit runs again alone.
//   - A failed message aborts the transaction: the batch is abandoned
//     too.
//
// In the last two cases the statement that sent the saves fails with
// that error, and so does every statement after it and the sending of
// the saves left at the end of the batch (runBatch), which gives the
// batch up whatever the unit made of the error.
//
// Only a Light unit that has written nothing before its save, outside any
// savepoint, lets it wait: a unit run again then has nothing else of its
// first run to undo, and a savepoint rolled back cannot miss a save that
// was never sent.
type pipeline struct {
	p Pipeliner
	// queued are the saves waiting, and units the unit that made each.
	queued []Stmt
	units  []int
	// unit is the batch's unit running (its index), -1 between units.
	unit int
	// lost are the units that finished and whose save changed no row.
	lost []int
	// broken is why the batch must be abandoned; every statement after
	// it fails with it.
	broken error
}

// errLostWhileRunning abandons a batch whose running unit's save, sent
// while the unit went on, changed no row.
var errLostWhileRunning = errors.New("store: a step's save lost its compare-and-set while the step went on")

// pipelineFor is the pipeline of a batch of requests at iso: Light
// batches of more than one unit, where the dialect is a Pipeliner; nil
// otherwise.
func (db *DB) pipelineFor(iso Isolation, units int) *pipeline {
	p, ok := db.d.(Pipeliner)
	if !ok || iso != Light || units < 2 {
		return nil
	}
	return &pipeline{p: p, unit: -1}
}

// running notes which unit of the batch runs (-1: none).
func (p *pipeline) running(unit int) {
	if p != nil {
		p.unit = unit
	}
}

// queueSave lets t's save wait (see above) and says whether it does.
func (s *savepoints) queueSave(t *Tx, st Stmt) bool {
	if s == nil || s.pipe == nil || s.pipe.unit < 0 || s.pipe.broken != nil || s.failed || len(s.opened) > 0 {
		return false
	}
	if t.light == nil || t.light.guarded != nil || t.light.wrote || t.light.failed || t.light.refused {
		return false
	}
	s.pipe.queued, s.pipe.units = append(s.pipe.queued, st), append(s.pipe.units, s.pipe.unit)
	t.light.wrote = true // may have: the unit cannot be undone alone any more
	return true
}

// flush sends the saves waiting, if any, before the transaction's next
// statement or its commit; an error means the batch must be abandoned.
func (s *savepoints) flush(ctx context.Context) error {
	if s == nil || s.pipe == nil {
		return nil
	}
	p := s.pipe
	if p.broken != nil || len(p.queued) == 0 {
		return p.broken
	}
	// Counted when sent: saves dropped with a batch given up never were.
	n := int64(len(p.queued))
	s.db.writes.Add(n)
	s.db.pipelines.Add(1)
	s.db.pipelined.Add(n)
	changed, err := p.p.Pipeline(ctx, s.t, p.queued)
	units := p.units
	p.queued, p.units = p.queued[:0], p.units[:0]
	if err != nil {
		s.failed = true
		p.broken = err
		return err
	}
	for i, unit := range units {
		if changed[i] > 0 {
			continue
		}
		if unit == p.unit {
			p.broken = errLostWhileRunning
			return p.broken
		}
		p.lost = append(p.lost, unit)
	}
	return nil
}
