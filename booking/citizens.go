package booking

import (
	"context"
	"strings"
	"unicode/utf8"
)

// Registration is what a citizen gives to register: name, ID number, mobile.
type Registration struct {
	Name     string
	IDNumber string
	Phone    string
}

func (s *Service) normalize(r Registration) (Registration, error) {
	var err error
	// Names may come from speech recognition: cleaned at the source.
	r.Name = CleanText(r.Name)
	if n := utf8.RuneCountInString(r.Name); n < 1 || n > 30 {
		return r, Errorf(EInvalid, "name must have 1 to 30 characters")
	}
	if r.IDNumber, err = NormalizeIDNumber(r.IDNumber, s.Now()); err != nil {
		return r, err
	}
	if r.Phone, err = NormalizeMobile(r.Phone); err != nil {
		return r, err
	}
	return r, nil
}

// Register registers a citizen, or returns the existing registration when the
// same name, ID and phone are given again. A phone linked to another ID gives
// EPhoneLinked; a known ID with other details gives EConflict (an account
// change, which goes through an operator).
func (s *Service) Register(ctx context.Context, a Actor, r Registration) (Citizen, error) {
	r, err := s.normalize(r)
	if err != nil {
		return Citizen{}, err
	}
	var c Citizen
	err = s.store.InTx(ctx, func(tx Tx) error {
		old, err := tx.CitizenByIDNumber(r.IDNumber)
		if err == nil {
			if old.Phone == r.Phone && old.Name == r.Name {
				c = old
				return nil
			}
			return Errorf(EConflict, "id number is registered with other details")
		} else if ErrorCode(err) != ENotFound {
			return err
		}
		c = Citizen{Name: r.Name, IDNumber: r.IDNumber, IDMasked: MaskIDNumber(r.IDNumber), Phone: r.Phone, Active: true, CreatedAt: s.Now()}
		if err := tx.InsertCitizen(&c); err != nil {
			return err
		}
		return s.audit(tx, a, "citizen.register", c.ID, 0, "registered %s", c.IDMasked)
	})
	return c, err
}

// Change is an account correction. Name and IDNumber may not both be set:
// changing both is a deregistration (SPEC §2.12).
type Change struct {
	Name     string
	IDNumber string
	Phone    string
	Note     string // e.g. "registration ID copy checked"
}

// UpdateCitizen applies one account correction.
func (s *Service) UpdateCitizen(ctx context.Context, a Actor, citizenID int64, ch Change) (Citizen, error) {
	if ch.Name != "" && ch.IDNumber != "" {
		return Citizen{}, Errorf(EInvalid, "name and id number cannot both change in one request")
	}
	if ch.Name == "" && ch.IDNumber == "" && ch.Phone == "" {
		return Citizen{}, Errorf(EInvalid, "nothing to change")
	}
	var c Citizen
	err := s.store.InTx(ctx, func(tx Tx) error {
		var err error
		if c, err = tx.CitizenByID(citizenID); err != nil {
			return err
		}
		if !c.Active {
			return Errorf(EConflict, "citizen is deregistered")
		}
		r := Registration{Name: c.Name, IDNumber: c.IDNumber, Phone: c.Phone}
		var what []string
		if ch.Name != "" {
			r.Name, what = ch.Name, append(what, "name")
		}
		if ch.IDNumber != "" {
			r.IDNumber, what = ch.IDNumber, append(what, "id_number")
		}
		if ch.Phone != "" {
			r.Phone, what = ch.Phone, append(what, "phone")
		}
		if r, err = s.normalize(r); err != nil {
			return err
		}
		c.Name, c.IDNumber, c.IDMasked, c.Phone = r.Name, r.IDNumber, MaskIDNumber(r.IDNumber), r.Phone
		if err := tx.UpdateCitizen(c); err != nil {
			return err
		}
		return s.audit(tx, a, "citizen.update", c.ID, 0, "changed %s; %s", strings.Join(what, ","), ch.Note)
	})
	return c, err
}

// Deregister ends a registration: the phone and ID become free again. Active
// bookings are cancelled first, so a deregistered citizen holds no place,
// and live waitlist entries end, so none is offered one later.
func (s *Service) Deregister(ctx context.Context, a Actor, citizenID int64, note string) error {
	return s.store.InTx(ctx, func(tx Tx) error {
		c, err := tx.CitizenByID(citizenID)
		if err != nil {
			return err
		}
		ws, err := tx.WaitEntries(WaitFilter{CitizenID: c.ID, Statuses: LiveWait})
		if err != nil {
			return err
		}
		for _, w := range ws {
			if err := s.endEntry(tx, a, &w, WaitEnded, "citizen deregistered"); err != nil {
				return err
			}
		}
		bs, err := tx.Bookings(BookingFilter{CitizenID: c.ID, Statuses: []Status{StatusHeld, StatusBooked}})
		if err != nil {
			return err
		}
		for _, b := range bs {
			b.Status, b.CancelledAt = StatusCancelled, s.Now()
			if err := tx.UpdateBooking(b); err != nil {
				return err
			}
		}
		c.Active = false
		if err := tx.UpdateCitizen(c); err != nil {
			return err
		}
		return s.audit(tx, a, "citizen.deregister", c.ID, 0, "deregistered; %d bookings cancelled; %s", len(bs), note)
	})
}

// CitizenByPhone finds the active citizen linked to phone (E.164).
func (s *Service) CitizenByPhone(ctx context.Context, phone string) (Citizen, error) {
	var c Citizen
	err := s.store.View(ctx, func(tx Tx) (err error) {
		c, err = tx.CitizenByPhone(phone)
		return err
	})
	return c, err
}

// CitizenByIDNumber finds the active citizen with a full ID number.
func (s *Service) CitizenByIDNumber(ctx context.Context, id string) (Citizen, error) {
	id, err := NormalizeIDNumber(id, s.Now())
	if err != nil {
		return Citizen{}, err
	}
	var c Citizen
	err = s.store.View(ctx, func(tx Tx) (err error) {
		c, err = tx.CitizenByIDNumber(id)
		return err
	})
	return c, err
}

// Citizen returns a citizen by internal id.
func (s *Service) Citizen(ctx context.Context, id int64) (Citizen, error) {
	var c Citizen
	err := s.store.View(ctx, func(tx Tx) (err error) {
		c, err = tx.CitizenByID(id)
		return err
	})
	return c, err
}

// LiftBlacklist ends a citizen's ban; earlier no-shows stop counting. A reason
// is required and audited.
func (s *Service) LiftBlacklist(ctx context.Context, a Actor, citizenID int64, reason string) error {
	if strings.TrimSpace(reason) == "" {
		return Errorf(EInvalid, "a reason is required to lift a blacklist")
	}
	return s.store.InTx(ctx, func(tx Tx) error {
		c, err := tx.CitizenByID(citizenID)
		if err != nil {
			return err
		}
		if !c.Banned(s.Now()) {
			return Errorf(EConflict, "citizen is not blacklisted")
		}
		c.BannedUntil, c.StrikesSince = s.Now(), s.Now()
		if err := tx.UpdateCitizen(c); err != nil {
			return err
		}
		return s.audit(tx, a, "blacklist.lift", c.ID, 0, "reason: %s", reason)
	})
}

// SetReminders records a citizen's choice about reminder SMS.
func (s *Service) SetReminders(ctx context.Context, a Actor, citizenID int64, on bool) error {
	return s.store.InTx(ctx, func(tx Tx) error {
		c, err := tx.CitizenByID(citizenID)
		if err != nil {
			return err
		}
		c.NoReminders = !on
		if err := tx.UpdateCitizen(c); err != nil {
			return err
		}
		return s.audit(tx, a, "citizen.reminders", c.ID, 0, "reminders on=%v", on)
	})
}
