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
	smsInbound = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "yuyue_sms_inbound_total",
		Help: "Inbound SMS by command.",
	}, []string{"command"})
)
