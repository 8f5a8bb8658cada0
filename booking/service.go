package booking

import (
	"context"
	"fmt"
	"time"
)

// Verification purposes: a passed SMS code verifies a phone for one of them.
const (
	PurposeBooking = "booking"
	PurposeManage  = "manage" // query and cancel
)

// Service carries out every operation the channels offer, enforcing the rules
// inside store transactions.
type Service struct {
	store Store
	// listings is where a bound copy's Availability reads: the unbound
	// store, whose View runs on the read pool (bound.go).
	listings Store
	Catalog  *Catalog
	Rules    Rules
	Now      func() time.Time
	// NewReference makes a booking reference; replaced in tests.
	NewReference func() (string, error)
	// hints is shared by the bound copies (callsvc.go); nil: none kept.
	hints *lightHints
}

// NewService returns a Service with the real clock and reference generator.
func NewService(st Store, cat *Catalog, rules Rules) *Service {
	return &Service{store: st, Catalog: cat, Rules: rules, Now: time.Now, NewReference: NewReference, hints: &lightHints{}}
}

func (s *Service) loc() *time.Location { return s.Catalog.Calendar.Loc }

func (s *Service) audit(tx Tx, a Actor, action string, citizenID, bookingID int64, format string, args ...any) error {
	return tx.Audit(AuditEntry{
		At: s.Now(), Actor: a.Name, Channel: a.Channel, Action: action,
		CitizenID: citizenID, BookingID: bookingID, Detail: fmt.Sprintf(format, args...),
	})
}

// Window returns the bookable dates now.
func (s *Service) Window() []Date {
	return s.Catalog.Calendar.Window(s.Now(), s.Rules.WindowDays)
}

// OpenPlaces makes sure every place of the booking window exists, from the
// catalog's schedules. It is idempotent and is run at start-up, when the
// catalog changes and by the slots job.
func (s *Service) OpenPlaces(ctx context.Context) (int, error) {
	var n int
	err := s.store.InTx(ctx, func(tx Tx) (err error) {
		n, err = s.openPlacesTx(tx)
		return err
	})
	return n, err
}

// openPlacesTx opens the window's places from the schedules, with the
// database's calendar and capacity changes.
func (s *Service) openPlacesTx(tx Tx) (int, error) {
	if err := s.refreshCalendar(tx); err != nil {
		return 0, err
	}
	changes, err := tx.CapacityChanges()
	if err != nil {
		return 0, err
	}
	var ps []Place
	for _, d := range s.Window() {
		ps = append(ps, s.Catalog.PlacesFor(d)...)
	}
	for i := range ps {
		for _, c := range changes { // in id order: the latest change wins
			if c.Covers(ps[i]) {
				ps[i].Capacity = c.Capacity
			}
		}
	}
	n, err := tx.UpsertPlaces(ps)
	if err != nil || n == 0 {
		return n, err
	}
	// capacity may have grown: it goes to the waitlist first
	_, err = s.offerTx(tx, Actor{Name: "catalog", Channel: ChannelSystem}, PlaceFilter{})
	return n, err
}

// MarkPhoneVerified records that the holder of phone passed an SMS code for
// purpose; it lasts Rules.VerifiedFor.
func (s *Service) MarkPhoneVerified(ctx context.Context, tx Tx, phone, purpose string) error {
	return tx.SetPhoneVerified(phone, purpose, s.Now().Add(s.Rules.VerifiedFor))
}

// PhoneVerified reports whether phone passed a code for purpose recently.
func (s *Service) PhoneVerified(ctx context.Context, phone, purpose string) (bool, error) {
	var ok bool
	err := s.store.View(ctx, func(tx Tx) (err error) {
		ok, err = tx.PhoneVerified(phone, purpose, s.Now())
		return err
	})
	return ok, err
}

// AuditLog lists audit entries.
func (s *Service) AuditLog(ctx context.Context, f AuditFilter) ([]AuditEntry, error) {
	var out []AuditEntry
	err := s.store.View(ctx, func(tx Tx) (err error) {
		out, err = tx.AuditLog(f)
		return err
	})
	return out, err
}
