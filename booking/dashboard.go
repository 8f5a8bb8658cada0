package booking

import (
	"context"
	"time"
)

// DayChannel counts the bookings of one appointment date made through one
// channel (booked, checked in or completed: places citizens hold).
type DayChannel struct {
	Date    Date
	Channel string
	N       int
}

// OfficeFill is an office's places and how many are taken (holds and
// bookings) over a range of dates.
type OfficeFill struct {
	Office          string
	Capacity, Taken int
}

// OfficeNoShows counts an office's bookings that were due (checked in,
// completed or no-show) and the no-shows among them.
type OfficeNoShows struct {
	Office      string
	Due, NoShow int
}

// ProviderSMS sorts the messages queued since a time by the provider that
// took them (” when no send was attempted yet) and by outcome: delivered
// (a delivery report said so), failed (refused, or reported undelivered)
// and pending (everything else: waiting, sending, sent without a report,
// unknown).
type ProviderSMS struct {
	Provider                   string
	Delivered, Failed, Pending int
}

// StepCount is how many calls ended at an IVR step.
type StepCount struct {
	Step string
	N    int
}

// DashboardTx is what the dashboard reads. Office "" means every office.
type DashboardTx interface {
	BookingsByDayChannel(office string, from, to Date) ([]DayChannel, error)
	FillByOffice(office string, from, to Date) ([]OfficeFill, error)
	NoShowsByOffice(office string, from, to Date) ([]OfficeNoShows, error)
	SMSByProvider(since time.Time) ([]ProviderSMS, error)
	// CallsByHour counts calls started in each of hours hours from start.
	CallsByHour(start time.Time, hours int) ([]int, error)
	// CallExits counts the calls started in [from, to) by the step of
	// their last event: where each caller left the IVR.
	CallExits(from, to time.Time) ([]StepCount, error)
}

// Dashboard is the figures of the console's dashboard.
type Dashboard struct {
	Now          time.Time
	Office       string // "" for every office
	Days         []Date // the booking window
	Bookings     []DayChannel
	Fill         []OfficeFill
	NoShowFrom   Date // 90 days back
	NoShows      []OfficeNoShows
	SMSSince     time.Time
	SMS          []ProviderSMS
	HourStart    time.Time // the first of 24 hours
	CallsPerHour []int
	Exits        []StepCount
}

// NoShowDays is how far back the dashboard's no-show rate looks.
const NoShowDays = 90

// Dashboard reads the dashboard's figures for office ("" = every office)
// in one snapshot: the booking window's bookings by channel and fill, the
// no-show rate over NoShowDays days up to today, SMS of the last 24 hours
// and calls of the last 24 whole hours.
func (s *Service) Dashboard(ctx context.Context, office string) (Dashboard, error) {
	now := s.Now()
	d := Dashboard{Now: now, Office: office, Days: s.Window(), SMSSince: now.Add(-24 * time.Hour)}
	today := DateOf(now, s.loc())
	d.NoShowFrom = DateOf(now.AddDate(0, 0, -NoShowDays), s.loc())
	d.HourStart = now.Truncate(time.Hour).Add(-23 * time.Hour)
	err := s.store.View(ctx, func(tx Tx) (err error) {
		if len(d.Days) > 0 {
			from, to := d.Days[0], d.Days[len(d.Days)-1]
			if d.Bookings, err = tx.BookingsByDayChannel(office, from, to); err != nil {
				return err
			}
			if d.Fill, err = tx.FillByOffice(office, from, to); err != nil {
				return err
			}
		}
		if d.NoShows, err = tx.NoShowsByOffice(office, d.NoShowFrom, today); err != nil {
			return err
		}
		if d.SMS, err = tx.SMSByProvider(d.SMSSince); err != nil {
			return err
		}
		if d.CallsPerHour, err = tx.CallsByHour(d.HourStart, 24); err != nil {
			return err
		}
		d.Exits, err = tx.CallExits(d.HourStart, d.HourStart.Add(24*time.Hour))
		return err
	})
	return d, err
}
