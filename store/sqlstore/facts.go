package sqlstore

import (
	"regexp"
	"strings"
	"time"

	"yuyue/booking"
)

// A step that holds or confirms reads several rows before it writes. Each
// read is a round trip on PostgreSQL's writer connection, and the steps
// that hold and confirm read the most, so HoldFacts and ConfirmFacts read
// what they check in one statement each. The conditions are the ones the
// single reads use (CitizenByID, Place, CatalogVersion, Bookings with the
// citizen's index, WaitEntries, PhoneVerified, BookingByReference), so that the same rows and
// index ranges are read: on PostgreSQL the same predicate locks.

// qualifyRe matches a name in a column list, with the parenthesis that
// makes it a function's (coalesce) rather than a column's.
var qualifyRe = regexp.MustCompile(`\b[a-z_][a-z0-9_]*\b(?:\s*\()?`)

// qualify prefixes every column of a column list with alias and a dot:
// every name not called as a function, outside string literals.
func qualify(alias, cols string) string {
	parts := strings.Split(cols, "'")
	for i := 0; i < len(parts); i += 2 { // odd parts are inside quotes
		parts[i] = qualifyRe.ReplaceAllStringFunc(parts[i], func(w string) string {
			if strings.HasSuffix(w, "(") {
				return w
			}
			return alias + "." + w
		})
	}
	return strings.Join(parts, "'")
}

// msAfter is t in Unix milliseconds, rounded up: a time kept in whole
// milliseconds is before t exactly when it is before msAfter(t), as
// time.Before compares it in Go (refuseActive).
func msAfter(t time.Time) int64 {
	m := ms(t)
	if t.After(time.UnixMilli(m)) {
		m++
	}
	return m
}

// inList is inStatuses' condition "col IN (?, …)" alone, with its
// arguments.
func inList[S ~string](col string, ss []S) (string, []any) {
	var w where
	inStatuses(&w, col, ss)
	return w.conds[0], w.args
}

var (
	activeIn, activeArgs = inList("(b.status || '')", booking.ActiveStatuses)
	liveIn, liveArgs     = inList("w.status", booking.LiveWait)

	// holdFactsQuery: the citizen's bookings are found through
	// bookings_citizen, hence (status || ''), as in bookingWhere.
	holdFactsQuery = `SELECT ` + qualify("c", citizenCols) + `, ` + qualify("p", placeCols) + `,
		(SELECT version FROM catalog_version WHERE id = 1),
		EXISTS (SELECT 1 FROM bookings b WHERE b.citizen_id = c.id AND b.business = p.business
			AND (b.status || '') = ? AND b.hold_expires_at <= ?),
		EXISTS (SELECT 1 FROM bookings b WHERE b.citizen_id = c.id AND b.business = p.business
			AND ` + activeIn + ` AND NOT ((b.status || '') = ? AND b.hold_expires_at < ?)),
		EXISTS (SELECT 1 FROM waitlist w WHERE w.citizen_id = c.id AND w.business = p.business
			AND ` + liveIn + `)
		FROM citizens c, places p WHERE c.id = ? AND p.id = ?`

	confirmFactsQuery = `SELECT ` + qualify("b", bookingCols) + `, ` + qualify("c", citizenCols) + `,
		EXISTS (SELECT 1 FROM phone_verifications v WHERE v.phone = c.phone AND v.purpose = ? AND v.verified_until > ?),
		EXISTS (SELECT 1 FROM bookings r WHERE r.reference = ?)
		FROM bookings b JOIN citizens c ON c.id = b.citizen_id WHERE b.id = ?`
)

func (t *Tx) HoldFacts(citizenID, placeID int64, now time.Time) (booking.HoldFacts, error) {
	var f booking.HoldFacts
	var cr citizenRow
	var pr placeRow
	dest := append(append(cr.dest(), pr.dest()...), &f.CatalogVersion, &f.Lapsed, &f.Active, &f.Waiting)
	args := []any{string(booking.StatusHeld), ms(now)}
	args = append(args, activeArgs...)
	args = append(args, string(booking.StatusHeld), msAfter(now))
	args = append(args, liveArgs...)
	args = append(args, citizenID, placeID)
	if err := t.QueryRow(holdFactsQuery, args...).Scan(dest...); err != nil {
		return f, t.db.mapError(err, "citizen or place")
	}
	var err error
	if f.Citizen, err = t.citizenOf(&cr); err != nil {
		return f, err
	}
	f.Place, err = pr.place()
	return f, err
}

func (t *Tx) ConfirmFacts(bookingID int64, purpose string, now time.Time, reference string) (booking.ConfirmFacts, error) {
	var f booking.ConfirmFacts
	var br bookingRow
	var cr citizenRow
	dest := append(append(br.dest(), cr.dest()...), &f.Verified, &f.ReferenceTaken)
	if err := t.QueryRow(confirmFactsQuery, purpose, ms(now), reference, bookingID).Scan(dest...); err != nil {
		return f, t.db.mapError(err, "booking")
	}
	var err error
	if f.Booking, err = br.booking(); err != nil {
		return f, err
	}
	f.Citizen, err = t.citizenOf(&cr)
	return f, err
}
