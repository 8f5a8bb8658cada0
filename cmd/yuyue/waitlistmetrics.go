package main

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"yuyue/booking"
)

// The waitlist's figures are read from the database at scrape time, as
// the outbox's are: right on every node whichever node made the offer.
var (
	descWaitEntries = prometheus.NewDesc("yuyue_waitlist_entries", "Waitlist (候补) entries ever made (purge aside).", nil, nil)
	descWaitWaiting = prometheus.NewDesc("yuyue_waitlist_waiting", "Waitlist entries waiting for a place now.", nil, nil)
	descWaitOffers  = prometheus.NewDesc("yuyue_waitlist_offers", "Waitlist entries that were offered a freed place.", nil, nil)
	descWaitAccepts = prometheus.NewDesc("yuyue_waitlist_acceptances", "Waitlist offers confirmed into bookings.", nil, nil)
	descWaitExpired = prometheus.NewDesc("yuyue_waitlist_expiries", "Waitlist offers not confirmed within booking.waitlist_offer_ttl.", nil, nil)

	waitSvc      atomic.Pointer[booking.Service]
	waitRegister sync.Once
)

func watchWaitlist(svc *booking.Service) {
	waitSvc.Store(svc)
	waitRegister.Do(func() { prometheus.MustRegister(waitCollector{}) })
}

type waitCollector struct{}

func (waitCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descWaitEntries, descWaitWaiting, descWaitOffers, descWaitAccepts, descWaitExpired} {
		ch <- d
	}
}

func (waitCollector) Collect(ch chan<- prometheus.Metric) {
	svc := waitSvc.Load()
	if svc == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	n, err := svc.WaitlistCounts(ctx)
	if err != nil {
		return
	}
	for d, v := range map[*prometheus.Desc]int{descWaitEntries: n.Entries, descWaitWaiting: n.Waiting,
		descWaitOffers: n.Offers, descWaitAccepts: n.Acceptances, descWaitExpired: n.Expiries} {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, float64(v))
	}
}
