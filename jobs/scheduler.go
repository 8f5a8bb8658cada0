package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
	"github.com/robfig/cron/v3"

	"yuyue/booking"
)

var (
	jobLastSuccess = promauto.NewGaugeVec(prometheus.GaugeOpts{
		Name: "yuyue_job_last_success_timestamp_seconds", Help: "When each job last succeeded.",
	}, []string{"job"})
	jobDuration = promauto.NewHistogramVec(prometheus.HistogramOpts{
		Name: "yuyue_job_duration_seconds", Help: "Job run duration.", Buckets: prometheus.DefBuckets,
	}, []string{"job"})
	jobItems = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "yuyue_job_items_total", Help: "What job runs did, by job and count name.",
	}, []string{"job", "what"})
	jobFailures = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "yuyue_job_failures_total", Help: "Job runs that failed.",
	}, []string{"job"})
)

// Scheduler runs jobs on cron schedules in the catalog's time zone.
type Scheduler struct {
	Svc   *booking.Service
	Log   *slog.Logger
	ID    string // who claims fires: host and pid by default
	cron  *cron.Cron
	parse cron.ScheduleParser
}

// NewScheduler builds a scheduler; parser is nil for standard 5-field specs.
func NewScheduler(svc *booking.Service, log *slog.Logger, parser cron.ScheduleParser) *Scheduler {
	host, _ := os.Hostname()
	if parser == nil {
		parser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)
	}
	s := &Scheduler{Svc: svc, Log: log, ID: fmt.Sprintf("%s/%d", host, os.Getpid()), parse: parser}
	s.cron = cron.New(cron.WithLocation(svc.Catalog.Calendar.Loc), cron.WithParser(parser),
		cron.WithChain(cron.Recover(cronLogger{log}), cron.SkipIfStillRunning(cronLogger{log})))
	return s
}

// Add schedules job on spec; an empty spec leaves it unscheduled.
func (s *Scheduler) Add(spec string, job Job) error {
	if spec == "" {
		return nil
	}
	sched, err := s.parse.Parse(spec)
	if err != nil {
		return fmt.Errorf("jobs.%s: %w", job.Name(), err)
	}
	var id cron.EntryID
	id = s.cron.Schedule(sched, cron.FuncJob(func() {
		// The entry's Prev is the scheduled time of this fire: the same in
		// every process, so it is the claim key.
		fire := s.cron.Entry(id).Prev
		if fire.IsZero() {
			fire = time.Now().Truncate(time.Second)
		}
		s.Fire(context.Background(), job, fire)
	}))
	return nil
}

// Start runs the schedules until Stop.
func (s *Scheduler) Start() { s.cron.Start() }

// Stop stops firing and waits for running jobs.
func (s *Scheduler) Stop() { <-s.cron.Stop().Done() }

// Entries lists the next fire time per job, for `yuyue jobs list`.
func (s *Scheduler) Entries() []cron.Entry { return s.cron.Entries() }

// Fire claims (job, fire) and runs the job if this process got the claim.
func (s *Scheduler) Fire(ctx context.Context, job Job, fire time.Time) (ran bool, err error) {
	claimed, err := s.Svc.ClaimFire(ctx, job.Name(), fire, s.ID)
	if err != nil || !claimed {
		if err != nil {
			s.Log.Error("job claim failed", "job", job.Name(), "err", err)
		}
		return false, err
	}
	r, runErr := RunLogged(ctx, s.Log, job, s.Svc)
	errText := ""
	if runErr != nil {
		errText = runErr.Error()
	}
	err = s.Svc.FinishFire(ctx, job.Name(), fire, r.String(), errText)
	return true, firstErr(runErr, err)
}

func firstErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// RunLogged runs a job once, logging name, duration and counts, and
// recording metrics.
func RunLogged(ctx context.Context, log *slog.Logger, job Job, svc *booking.Service) (Result, error) {
	start := time.Now()
	r, err := job.Run(ctx, svc)
	d := time.Since(start)
	jobDuration.WithLabelValues(job.Name()).Observe(d.Seconds())
	if err != nil {
		jobFailures.WithLabelValues(job.Name()).Inc()
		log.Error("job failed", "job", job.Name(), "duration", d, "err", err)
		return r, err
	}
	jobLastSuccess.WithLabelValues(job.Name()).SetToCurrentTime()
	for k, v := range r {
		jobItems.WithLabelValues(job.Name(), k).Add(float64(v))
	}
	log.Info("job done", "job", job.Name(), "duration", d, "result", r.String())
	return r, nil
}

// cronLogger adapts slog to cron's logger interface.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("cron: "+msg, kv...) }
func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append(kv, "err", err)...)
}
