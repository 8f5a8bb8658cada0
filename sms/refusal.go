package sms

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"yuyue/booking"
)

// Refusal is a provider's refusal that says more than its outcome: when a
// retry may come, whether the number is refused for a while, whether the
// whole account can send nothing. The worker acts on it.
type Refusal struct {
	Code, Message string
	// RetryAfter: a minute-level flow control; try again after it, not
	// on the doubling backoff.
	RetryAfter time.Duration
	// Block ("hour" or "day") and BlockFor: the provider refuses this
	// number for a while; the citizen is told at their next request.
	Block    string
	BlockFor time.Duration
	// Account: nothing will be sent to anyone (balance, service stopped).
	Account bool
}

func (r *Refusal) Error() string { return fmt.Sprintf("aliyun: %s: %s", r.Code, r.Message) }

// aliyunRefusal reads a SendSms answer that is not OK. The level of
// isv.BUSINESS_LIMIT_CONTROL is only in Aliyun's message:
// 触发分钟级流控Permits:1, 触发小时级流控Permits:5, 触发天级流控Permits:10.
func aliyunRefusal(code, msg string) (booking.SendOutcome, *Refusal) {
	r := &Refusal{Code: code, Message: msg}
	switch {
	case code == "isv.BUSINESS_LIMIT_CONTROL" && strings.Contains(msg, "小时级"):
		r.Block, r.BlockFor = "hour", time.Hour
	case code == "isv.BUSINESS_LIMIT_CONTROL" && strings.Contains(msg, "天级"):
		r.Block, r.BlockFor = "day", 24*time.Hour
	case code == "isv.BUSINESS_LIMIT_CONTROL": // 分钟级, or a level not named
		r.RetryAfter = time.Minute
		return booking.SendRetry, r
	case code == "isv.AMOUNT_NOT_ENOUGH", code == "isv.OUT_OF_SERVICE", code == "isv.DAY_LIMIT_CONTROL":
		r.Account = true
	case code == "isp.SYSTEM_ERROR", strings.HasPrefix(code, "Throttling"):
		return booking.SendRetry, r
	}
	return booking.SendFailed, r
}

// account is what the last sends said about the provider account.
var account struct {
	sync.Mutex
	code  string
	since time.Time
}

// AccountProblem reports the refusal that stops every send (Aliyun's
// isv.AMOUNT_NOT_ENOUGH or isv.OUT_OF_SERVICE) and since when; "" once a
// send went through again.
func AccountProblem() (string, time.Time) {
	account.Lock()
	defer account.Unlock()
	return account.code, account.since
}

func noteAccount(code string, at time.Time) {
	account.Lock()
	defer account.Unlock()
	if code == account.code {
		return
	}
	account.code, account.since = code, at
	if code == "" {
		smsAccountBlocked.Set(0)
	} else {
		smsAccountBlocked.Set(1)
	}
}
