package booking

import "time"

// WaitStatus is where a waitlist entry is in its life. Waiting and offered
// entries are live: at most one per citizen and business.
type WaitStatus string

// Waitlist entry statuses.
const (
	WaitWaiting  WaitStatus = "waiting"  // in the queue
	WaitOffered  WaitStatus = "offered"  // a place is held for the citizen (OfferBookingID)
	WaitAccepted WaitStatus = "accepted" // the offer became a booking
	WaitLeft     WaitStatus = "left"     // the citizen left the list (or declined the offer)
	WaitExpired  WaitStatus = "expired"  // the offer was not confirmed in time
	WaitEnded    WaitStatus = "ended"    // the date passed, or the citizen can no longer book
)

// WaitEntry is one citizen's place in the waitlist (候补) of an office,
// business and date, for one period (Start) or any (Start empty).
type WaitEntry struct {
	ID             int64
	CitizenID      int64
	Business       string
	Office         string
	Date           Date
	Start          string // HH:MM of the period, "" for any
	Status         WaitStatus
	OfferBookingID int64 // the hold offered, when offered or accepted
	OfferExpiresAt time.Time
	CreatedAt      time.Time
	EndedAt        time.Time
	Channel        string
}

// Live reports whether the entry still waits or holds an offer.
func (w WaitEntry) Live() bool { return w.Status == WaitWaiting || w.Status == WaitOffered }

// Matches reports whether a place may be offered to the entry.
func (w WaitEntry) Matches(p Place) bool {
	return p.Office == w.Office && p.Business == w.Business && p.Date == w.Date && (w.Start == "" || w.Start == p.Start)
}

// WaitFilter selects waitlist entries; zero fields do not filter.
type WaitFilter struct {
	CitizenID          int64
	Office, Business   string
	From, To           Date // inclusive
	Statuses           []WaitStatus
	OfferExpiredBefore time.Time // offered entries whose offer ran out before this
	Limit              int
}

// WaitlistCounts are the waitlist's totals for the metrics.
type WaitlistCounts struct {
	Entries     int // every entry ever made
	Waiting     int // now waiting
	Offers      int // entries that were offered a place
	Acceptances int
	Expiries    int
}

// WaitlistTx is what the waitlist and reschedule add to a transaction.
type WaitlistTx interface {
	// InsertWaitEntry adds an entry (EActive when the citizen has a live
	// entry for the business).
	InsertWaitEntry(w *WaitEntry) error
	UpdateWaitEntry(w WaitEntry) error
	WaitEntry(id int64) (WaitEntry, error)
	// WaitEntries lists entries oldest first (the queue's order).
	WaitEntries(f WaitFilter) ([]WaitEntry, error)
	// WaitEntryByOffer returns the entry whose offer is the hold bookingID.
	WaitEntryByOffer(bookingID int64) (WaitEntry, error)
	CountWaitlist() (WaitlistCounts, error)
}

// MsgWaitlistOffer is the SMS that offers a waitlisted citizen a place;
// MsgRescheduled confirms a reschedule.
const (
	MsgWaitlistOffer = "waitlist_offer"
	MsgRescheduled   = "rescheduled"
)

// ChannelWaitlist marks holds the waitlist made.
const ChannelWaitlist = "waitlist"
