package booking

import (
	"sort"
	"time"
)

// Rules are the numbers of SPEC §2; every one is configuration.
type Rules struct {
	WindowDays       int           // bookable days ahead (14)
	HoldTTL          time.Duration // how long a chosen place is held (10 min)
	CancelHour       int           // cancel until this hour the day before (18)
	NoShowGrace      time.Duration // after period end before a no-show (30 min)
	BanStrikes       int           // no-shows that ban (3)
	BanMonths        int           // look-back and ban length in months (6)
	VerifiedFor      time.Duration // how long a passed code verifies a phone (15 min)
	ReleaseBatchMax  int           // places returned per release run (0 = all)
	WaitlistOfferTTL time.Duration // how long a place offered from the waitlist is held (30 min)
}

// DefaultRules are SPEC §2's defaults.
func DefaultRules() Rules {
	return Rules{
		WindowDays: 14, HoldTTL: 10 * time.Minute, CancelHour: 18,
		NoShowGrace: 30 * time.Minute, BanStrikes: 3, BanMonths: 6,
		VerifiedFor: 15 * time.Minute, WaitlistOfferTTL: 30 * time.Minute,
	}
}

// CancelDeadline is the last instant (exclusive) a booking on d may be
// cancelled: CancelHour:00 on the day before. At 18:00:00 it is too late.
func (r Rules) CancelDeadline(d Date, loc *time.Location) time.Time {
	return d.AddDays(-1).At(r.CancelHour, 0, loc)
}

// CanCancel reports whether a booking on d may still be cancelled at now.
func (r Rules) CanCancel(now time.Time, d Date, loc *time.Location) bool {
	return now.Before(r.CancelDeadline(d, loc))
}

// NoShowAfter is the instant after which a booking not checked in is a
// no-show: the end of its period plus the grace.
func (r Rules) NoShowAfter(d Date, end string, loc *time.Location) time.Time {
	h, m := parseHHMM(end)
	return d.At(h, m, loc).Add(r.NoShowGrace)
}

// BanUntil applies rule 11 to a citizen's counted no-show times: when the last
// one and at least BanStrikes-1 before it fall within BanMonths (counted back
// from the last, inclusive), the ban lasts BanMonths from the last no-show.
func (r Rules) BanUntil(noShows []time.Time) (time.Time, bool) {
	if len(noShows) < r.BanStrikes || r.BanStrikes <= 0 {
		return time.Time{}, false
	}
	s := append([]time.Time(nil), noShows...)
	sort.Slice(s, func(i, j int) bool { return s[i].Before(s[j]) })
	last := s[len(s)-1]
	from := last.AddDate(0, -r.BanMonths, 0)
	n := 0
	for _, t := range s {
		if !t.Before(from) {
			n++
		}
	}
	if n < r.BanStrikes {
		return time.Time{}, false
	}
	return last.AddDate(0, r.BanMonths, 0), true
}

// parseHHMM reads "09:30"; callers pass catalog-validated values.
func parseHHMM(s string) (int, int) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, 0
	}
	return t.Hour(), t.Minute()
}
