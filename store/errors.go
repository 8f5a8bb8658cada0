package store

import (
	"database/sql"
	"errors"
	"strings"

	"github.com/mattn/go-sqlite3"

	"yuyue/booking"
)

// constraintCodes maps the columns named in a UNIQUE violation to the domain
// code a channel can explain.
var constraintCodes = []struct {
	columns string
	code    booking.Code
	msg     string
}{
	{"citizens.phone", booking.EPhoneLinked, "the phone is linked to another id number"},
	{"citizens.id_hash", booking.EConflict, "the id number is already registered"},
	{"bookings.citizen_id, bookings.business", booking.EActive, "an active booking for this business exists"},
	{"bookings.reference", booking.EConflict, "reference already used"},
	{"places.taken", booking.EFull, "no places left"},
	{"call_sessions.call_sid", booking.EConflict, "call already recorded"},
	{"operators.name", booking.EConflict, "an operator with this name exists"},
}

// mapError turns driver errors into domain errors: constraint violations
// become their codes, no rows becomes ENotFound, the rest pass through.
func mapError(err error, what string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return booking.Errorf(booking.ENotFound, "%s not found", what)
	}
	var se sqlite3.Error
	if errors.As(err, &se) && se.Code == sqlite3.ErrConstraint {
		for _, c := range constraintCodes {
			if strings.Contains(se.Error(), c.columns) {
				return booking.Errorf(c.code, "%s", c.msg)
			}
		}
	}
	return err
}
