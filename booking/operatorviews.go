package booking

import (
	"context"
	"time"
)

// CitizenHandle returns the citizen's opaque console handle, giving it
// fresh when it has none yet.
func (o Operators) CitizenHandle(ctx context.Context, citizenID int64, fresh string) (h string, err error) {
	err = o.Svc.store.InTx(ctx, func(tx Tx) (err error) { h, err = tx.CitizenHandle(citizenID, fresh); return err })
	return h, err
}

// CitizenIDByHandle returns the citizen id a handle stands for.
func (o Operators) CitizenIDByHandle(ctx context.Context, handle string) (id int64, err error) {
	err = o.Svc.store.View(ctx, func(tx Tx) (err error) { id, err = tx.CitizenByHandle(handle); return err })
	return id, err
}

// CitizenByHandle returns the citizen a handle stands for.
func (o Operators) CitizenByHandle(ctx context.Context, handle string) (c Citizen, err error) {
	err = o.Svc.store.View(ctx, func(tx Tx) error {
		id, err := tx.CitizenByHandle(handle)
		if err != nil {
			return err
		}
		c, err = tx.CitizenByID(id)
		return err
	})
	return c, err
}

// BookingHandles returns the opaque handle of each booking, in order,
// giving one (from fresh) to those that have none yet.
func (o Operators) BookingHandles(ctx context.Context, bookingIDs []int64, fresh func() string) ([]string, error) {
	out := make([]string, len(bookingIDs))
	if len(bookingIDs) == 0 {
		return out, nil
	}
	err := o.Svc.store.InTx(ctx, func(tx Tx) (err error) {
		for i, id := range bookingIDs {
			if out[i], err = tx.BookingHandle(id, fresh()); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// BookingIDByHandle returns the booking id a handle stands for.
func (o Operators) BookingIDByHandle(ctx context.Context, handle string) (id int64, err error) {
	err = o.Svc.store.View(ctx, func(tx Tx) (err error) { id, err = tx.BookingByHandle(handle); return err })
	return id, err
}

// ViewCitizen audits an operator's (actor's) look at a citizen's page
// (what), with the reason the operator gave: no look without one.
func (o Operators) ViewCitizen(ctx context.Context, actor string, citizenID int64, what, why string) error {
	return o.view(ctx, AuditEntry{Actor: actor, Action: "citizen.view", CitizenID: citizenID}, what, why)
}

// ViewBooking audits an operator's look at a booking's page.
func (o Operators) ViewBooking(ctx context.Context, actor string, b Booking, what, why string) error {
	return o.view(ctx, AuditEntry{Actor: actor, Action: "booking.view", CitizenID: b.CitizenID, BookingID: b.ID}, what, why)
}

func (o Operators) view(ctx context.Context, e AuditEntry, what, why string) error {
	if why == "" {
		return Errorf(EInvalid, "a reason is required")
	}
	e.At, e.Channel, e.Detail = o.Svc.Now(), ChannelOperator, what+"；原因："+why
	return o.Svc.store.InTx(ctx, func(tx Tx) error { return tx.Audit(e) })
}

// AuditWithHandles lists audit entries and the handles of the citizens
// they name that have one.
func (o Operators) AuditWithHandles(ctx context.Context, f AuditFilter) (es []AuditEntry, hs map[int64]string, err error) {
	err = o.Svc.store.View(ctx, func(tx Tx) (err error) {
		if es, err = tx.AuditLog(f); err != nil {
			return err
		}
		var ids []int64
		for _, e := range es {
			if e.CitizenID != 0 {
				ids = append(ids, e.CitizenID)
			}
		}
		hs, err = tx.CitizenHandles(ids)
		return err
	})
	return es, hs, err
}

// OfficeLoad returns an office's places between two dates and the holds
// on them, read together, for the console's chart.
func (o Operators) OfficeLoad(ctx context.Context, office string, from, to Date) (places []Place, held []Booking, err error) {
	err = o.Svc.store.View(ctx, func(tx Tx) (err error) {
		if places, err = tx.Places(PlaceFilter{Office: office, From: from, To: to}); err != nil {
			return err
		}
		held, err = tx.Bookings(BookingFilter{Office: office, From: from, To: to, Statuses: []Status{StatusHeld}})
		return err
	})
	return places, held, err
}

// Transfers lists the calls the IVR handed over since then.
func (o Operators) Transfers(ctx context.Context, since time.Time) (recs []CallRecord, err error) {
	err = o.Svc.store.View(ctx, func(tx Tx) (err error) { recs, err = tx.Transfers(since); return err })
	return recs, err
}
