package present

import (
	"time"

	"yuyue/booking"
)

// Ref names a catalog entry.
type Ref struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// OfficeRef is an office with its address.
type OfficeRef struct {
	Ref
	District string `json:"district"`
	Address  string `json:"address"`
}

// BookingView is a booking as the API and the site show it.
type BookingView struct {
	ID             int64      `json:"id"`
	Reference      string     `json:"reference,omitempty"`
	Status         string     `json:"status"`
	Channel        string     `json:"channel"`
	Business       Ref        `json:"business"`
	Office         OfficeRef  `json:"office"`
	Date           string     `json:"date"`
	Start          string     `json:"start"`
	End            string     `json:"end"`
	Bring          string     `json:"bring,omitempty"`
	HoldExpiresAt  *time.Time `json:"hold_expires_at,omitempty"`
	CancelDeadline time.Time  `json:"cancel_deadline"`
	Cancellable    bool       `json:"cancellable"`
}

// View describes b with the catalog's names.
func View(svc *booking.Service, b booking.Booking) BookingView {
	v := BookingView{ID: b.ID, Reference: b.Reference, Status: string(b.Status), Channel: b.Channel,
		Business: Ref{Code: b.Business}, Office: OfficeRef{Ref: Ref{Code: b.Office}},
		Date: b.Date.String(), Start: b.Start, End: b.End}
	if biz, ok := svc.Catalog.Business(b.Business); ok {
		v.Business.Name, v.Bring = biz.Name, biz.Bring
	}
	if o, ok := svc.Catalog.Office(b.Office); ok {
		v.Office.Name, v.Office.District, v.Office.Address = o.Name, o.District, o.Address
	}
	if b.Status == booking.StatusHeld {
		t := b.HoldExpiresAt
		v.HoldExpiresAt = &t
	}
	loc := svc.Catalog.Calendar.Loc
	v.CancelDeadline = svc.Rules.CancelDeadline(b.Date, loc)
	v.Cancellable = b.Status == booking.StatusBooked && svc.Rules.CanCancel(svc.Now(), b.Date, loc)
	return v
}

// CatalogView is what can be booked.
type CatalogView struct {
	Businesses []BusinessView `json:"businesses"`
	Districts  []Ref          `json:"districts"`
	Offices    []OfficeView   `json:"offices"`
}

// BusinessView is a business with its notice.
type BusinessView struct {
	Ref
	Notice string `json:"notice"`
	Bring  string `json:"bring"`
}

// OfficeView is an office and the businesses it handles.
type OfficeView struct {
	OfficeRef
	Businesses []string `json:"businesses"`
}

// Catalog is the view of what can be booked.
func Catalog(cat *booking.Catalog) CatalogView {
	v := CatalogView{Businesses: []BusinessView{}, Districts: []Ref{}, Offices: []OfficeView{}}
	for _, b := range cat.Businesses {
		v.Businesses = append(v.Businesses, BusinessView{Ref: Ref{b.Code, b.Name}, Notice: b.Notice, Bring: b.Bring})
	}
	for _, d := range cat.Districts {
		v.Districts = append(v.Districts, Ref{d.Code, d.Name})
	}
	for _, o := range cat.Offices {
		v.Offices = append(v.Offices, OfficeView{OfficeRef: OfficeRef{Ref: Ref{o.Code, o.Name}, District: o.District,
			Address: o.Address}, Businesses: o.Businesses})
	}
	return v
}

// Day is one bookable date with its periods.
type Day struct {
	Date    string       `json:"date"`
	Periods []PeriodView `json:"periods"`
}

// PeriodView is one place: an office's period for a business on a day.
type PeriodView struct {
	PlaceID   int64  `json:"place_id"`
	Office    string `json:"office"`
	Business  string `json:"business"`
	Start     string `json:"start"`
	End       string `json:"end"`
	Remaining int    `json:"remaining"`
}

// Days groups places by date, in date order as the store lists them.
func Days(ps []booking.Place) []Day {
	out := []Day{}
	for _, p := range ps {
		if len(out) == 0 || out[len(out)-1].Date != p.Date.String() {
			out = append(out, Day{Date: p.Date.String()})
		}
		d := &out[len(out)-1]
		d.Periods = append(d.Periods, PeriodView{PlaceID: p.ID, Office: p.Office, Business: p.Business,
			Start: p.Start, End: p.End, Remaining: p.Free()})
	}
	return out
}

// WaitView is a waitlist entry as the API and the site show it.
type WaitView struct {
	ID             int64      `json:"id"`
	Status         string     `json:"status"`
	Business       Ref        `json:"business"`
	Office         OfficeRef  `json:"office"`
	Date           string     `json:"date"`
	Start          string     `json:"start,omitempty"`
	OfferHoldID    int64      `json:"offer_hold_id,omitempty"`
	OfferExpiresAt *time.Time `json:"offer_expires_at,omitempty"`
	CreatedAt      time.Time  `json:"created_at"`
}

// WaitlistView describes w with the catalog's names.
func WaitlistView(svc *booking.Service, w booking.WaitEntry) WaitView {
	v := WaitView{ID: w.ID, Status: string(w.Status), Business: Ref{Code: w.Business},
		Office: OfficeRef{Ref: Ref{Code: w.Office}}, Date: w.Date.String(), Start: w.Start, CreatedAt: w.CreatedAt}
	if biz, ok := svc.Catalog.Business(w.Business); ok {
		v.Business.Name = biz.Name
	}
	if o, ok := svc.Catalog.Office(w.Office); ok {
		v.Office.Name, v.Office.District, v.Office.Address = o.Name, o.District, o.Address
	}
	if w.Status == booking.WaitOffered {
		t := w.OfferExpiresAt
		v.OfferHoldID, v.OfferExpiresAt = w.OfferBookingID, &t
	}
	return v
}
