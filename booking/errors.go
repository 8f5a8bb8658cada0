// Package booking holds the domain of the appointment platform: citizens,
// places, holds and bookings, the rules of SPEC §2, and the Service that the
// voice, SMS, console and job channels all call. It does no I/O of its own:
// persistence goes through the Store interface.
package booking

import (
	"errors"
	"fmt"
	"time"
)

// Code is one of the few outcomes a channel must tell apart. Each channel maps
// a Code to what its user hears or reads (speech, SMS text, HTTP status).
type Code string

// The error codes. Only EInternal is logged as an error; the rest are answers.
const (
	EInvalid     Code = "invalid"      // input fails validation
	ENotFound    Code = "not_found"    // no such citizen, place or booking
	EFull        Code = "full"         // the place has no capacity left
	EBlacklisted Code = "blacklisted"  // citizen banned after no-shows
	EDeadline    Code = "deadline"     // cancellation deadline passed
	EActive      Code = "active"       // an active booking for this business exists
	EPhoneLinked Code = "phone_linked" // the phone belongs to another ID
	ENotVerified Code = "not_verified" // the phone has not passed the SMS code
	EConflict    Code = "conflict"     // state changed under the caller
	EForbidden   Code = "forbidden"    // actor may not do this
	EExpired     Code = "expired"      // hold or code expired
	ERateLimited Code = "rate_limited" // too many attempts
	EInternal    Code = "internal"     // anything unexpected
)

// Error is a domain error: a Code, a developer-facing message (never personal
// data) and, for EBlacklisted, the time the ban ends.
type Error struct {
	Code    Code
	Message string
	Until   time.Time
}

func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }

// Errorf returns a domain error with a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode extracts the Code of err: "" for nil, EInternal for anything that
// is not a domain error.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// ErrorUntil returns the ban end carried by an EBlacklisted error.
func ErrorUntil(err error) time.Time {
	var e *Error
	if errors.As(err, &e) {
		return e.Until
	}
	return time.Time{}
}
