package jobs_test

import (
	"context"
	"testing"

	"yuyue/booking"
	"yuyue/jobs"
	"yuyue/store/storetest"
)

var ctx = context.Background()

func run(t *testing.T, e *storetest.Env, j jobs.Job) jobs.Result {
	t.Helper()
	r, err := j.Run(ctx, e.Svc)
	if err != nil {
		t.Fatalf("%s: %v", j.Name(), err)
	}
	return r
}

func outboxCount(t *testing.T, e *storetest.Env, kind string) int {
	var n int
	if err := e.QueryRow(`SELECT count(*) FROM outbox WHERE kind = ?`, kind).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func citizen(t *testing.T, e *storetest.Env, id int64) booking.Citizen {
	c, err := e.Svc.Citizen(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
