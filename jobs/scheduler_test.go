package jobs_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/robfig/cron/v3"

	"yuyue/booking"
	"yuyue/catalog"
	"yuyue/jobs"
	"yuyue/store/storetest"
)

// counting is a job that counts its runs per process.
type counting struct {
	mu   sync.Mutex
	runs map[string]int
	n    atomic.Int32
}

func (c *counting) Name() string { return "count" }
func (c *counting) Run(ctx context.Context, svc *booking.Service) (jobs.Result, error) {
	c.n.Add(1)
	return jobs.Result{"ran": 1}, nil
}

// process opens its own store on db's database, as a second yuyue process
// (or, on PostgreSQL, a second node) would.
func process(t *testing.T, db storetest.DB) *jobs.Scheduler {
	st := storetest.Sibling(t, db)
	cat, _ := catalog.Parse([]byte(storetest.TestCatalog))
	svc := booking.NewService(st, cat, booking.DefaultRules())
	return jobs.NewScheduler(svc, slog.New(slog.NewTextHandler(io.Discard, nil)), cron.NewParser(cron.Second|cron.Minute|cron.Hour|cron.Dom|cron.Month|cron.Dow))
}

func TestTwoSchedulersRunEachFireOnce(t *testing.T) {
	db := storetest.Open(t)
	a, b := process(t, db), process(t, db)
	job := &counting{}
	fire := time.Date(2026, 12, 1, 0, 30, 0, 0, time.UTC)
	var wg sync.WaitGroup
	var ran atomic.Int32
	for _, s := range []*jobs.Scheduler{a, b, a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := s.Fire(ctx, job, fire)
			if err != nil {
				t.Error(err)
			}
			if ok {
				ran.Add(1)
			}
		}()
	}
	wg.Wait()
	if ran.Load() != 1 || job.n.Load() != 1 {
		t.Fatalf("fire ran %d times (%d job runs), want once", ran.Load(), job.n.Load())
	}
}

func TestTwoSchedulersOnRealCron(t *testing.T) {
	db := storetest.Open(t)
	a, b := process(t, db), process(t, db)
	job := &counting{}
	for _, s := range []*jobs.Scheduler{a, b} {
		if err := s.Add("* * * * * *", job); err != nil { // every second
			t.Fatal(err)
		}
		s.Start()
	}
	time.Sleep(3200 * time.Millisecond)
	a.Stop()
	b.Stop()
	var fires, runs int
	db.Reader().QueryRow(`SELECT count(*), count(DISTINCT fire_at) FROM job_runs WHERE job = 'count'`).Scan(&runs, &fires)
	if fires < 2 || runs != fires || int(job.n.Load()) != fires {
		t.Fatalf("%d fires, %d claims, %d runs: want each fire run once", fires, runs, job.n.Load())
	}
}

func TestDryRunChangesNothing(t *testing.T) {
	e := storetest.NewEnv(t)
	b := e.Book(t, e.Citizen(t, 1), e.Place(t, "FT01", "newborn", "2026-12-01", "09:00"))
	e.Svc.Cancel(ctx, storetest.Actor, b.ID)
	r, err := jobs.Release{}.Run(ctx, jobs.DryRun(e.Svc))
	if err != nil || r["places_returned"] != 1 {
		t.Fatalf("dry run reported %v %v", r, err)
	}
	if p := e.Place(t, "FT01", "newborn", "2026-12-01", "09:00"); p.Taken != 1 {
		t.Fatal("dry run changed the database")
	}
	if r := run(t, e, jobs.Release{}); r["places_returned"] != 1 {
		t.Fatalf("real run after a dry run: %v", r)
	}
}
