package sms

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

var (
	smsOutcomes = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "yuyue_sms_send_outcomes_total",
		Help: "Outbox send attempts by outcome (sent, retry, failed, unknown).",
	}, []string{"outcome"})
	smsDelivery = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "yuyue_sms_delivery_status_total",
		Help: "Twilio delivery status callbacks by status and Twilio error code.",
	}, []string{"status", "error_code"})
	smsUnverifiedBudget = promauto.NewCounter(prometheus.CounterOpts{
		Name: "yuyue_sms_unverified_budget_refusals_total",
		Help: "Codes refused because the hourly budget for never-verified numbers (sms.unverified_per_hour) was used up.",
	})
	smsAccountBlocked = promauto.NewGauge(prometheus.GaugeOpts{
		Name: "yuyue_sms_provider_account_blocked",
		Help: "1 while the SMS provider refuses every send for the account (Aliyun isv.AMOUNT_NOT_ENOUGH, isv.OUT_OF_SERVICE, isv.DAY_LIMIT_CONTROL): the service is mute.",
	})
	smsRefusals = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "yuyue_sms_provider_refusals_total",
		Help: "Sends the provider refused, by its error code (Aliyun isv.*, Twilio China rules twilio_cn.*).",
	}, []string{"code"})
	smsPushItemsRejected = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "yuyue_sms_push_items_rejected_total",
		Help: "Items of an Aliyun push batch that were malformed and skipped (the rest applied), by push (up, report).",
	}, []string{"push"})
	smsInbound = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "yuyue_sms_inbound_total",
		Help: "Inbound SMS by command.",
	}, []string{"command"})
)

// waitBuckets are the bounds (s) of the histograms of a message's wait.
var waitBuckets = []float64{0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 60, 300}

// smsToProvider is the time from a message's enqueueing (for a code: the
// caller asking for it) to the provider accepting it, the wait a caller on
// the line hears as silence during a rush.
var smsToProvider = promauto.NewHistogramVec(prometheus.HistogramOpts{
	Name:    "yuyue_sms_enqueued_to_accepted_seconds",
	Help:    "Time from a message being enqueued (a code: requested) to the provider accepting it, by kind.",
	Buckets: waitBuckets,
}, []string{"kind"})

// smsWaited and smsSendTime show where smsToProvider's time goes, so
// on-call can tell a backlog (messages waiting for a free send slot or rate
// token) from a slow send: a message's wait from enqueueing to its first
// claim, by kind, and one send (the Sender's whole call, the China guard's
// record included), by provider. A send slot is also held while the send
// is recorded afterwards, which neither counts: quick sends with a long
// wait mean slots are short or the records are slow (the database).
var (
	smsWaited = promauto.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "yuyue_sms_enqueued_to_claimed_seconds",
		Help:    "Time from a message being enqueued to the outbox worker's first claim of it (the backlog), by kind.",
		Buckets: waitBuckets,
	}, []string{"kind"})
	smsSendTime = promauto.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "yuyue_sms_send_seconds",
		Help:    "Time of one send, by provider: any check before it (Twilio's China guard) and the provider's answer (or the timeout).",
		Buckets: []float64{0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10},
	}, []string{"provider"})
)
