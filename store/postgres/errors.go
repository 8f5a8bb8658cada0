package postgres

import (
	"database/sql"
	"errors"

	"github.com/jackc/pgx/v5/pgconn"

	"yuyue/booking"
)

// constraintCodes maps the constraints named in the migrations to the same
// domain codes the SQLite store gives for the same violation.
var constraintCodes = map[string]struct {
	code booking.Code
	msg  string
}{
	"citizens_phone_active":  {booking.EPhoneLinked, "the phone is linked to another id number"},
	"citizens_id_active":     {booking.EConflict, "the id number is already registered"},
	"bookings_one_active":    {booking.EActive, "an active booking for this business exists"},
	"bookings_reference_key": {booking.EConflict, "reference already used"},
	"places_taken_check":     {booking.EFull, "no places left"},
	"call_sessions_pkey":     {booking.EConflict, "call already recorded"},
	"operators_name_key":     {booking.EConflict, "an operator with this name exists"},
}

// mapError turns driver errors into domain errors: unique and check
// violations become their codes, no rows becomes ENotFound, the rest pass
// through.
func mapError(err error, what string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return booking.Errorf(booking.ENotFound, "%s not found", what)
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) && (pe.Code == "23505" || pe.Code == "23514") {
		if c, ok := constraintCodes[pe.ConstraintName]; ok {
			return booking.Errorf(c.code, "%s", c.msg)
		}
	}
	return err
}
