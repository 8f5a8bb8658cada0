package operator

import (
	"sort"

	"yuyue/booking"
)

// cell is one period of one day in the booking grid.
type cell struct {
	PlaceID int64
	Free    int
	Key     string // date and start, for the page's element ids
}

// gridRow is one bookable day.
type gridRow struct {
	Date  string
	Cells []cell // one per column; PlaceID 0 where the period does not exist
}

// grid is the booking window as days by periods.
type grid struct {
	Periods []string // "09:00-10:00"
	Rows    []gridRow
}

// makeGrid lays the places of one business and office out by day and
// period; days of the window without places still get a row.
func makeGrid(days []booking.Date, places []booking.Place) grid {
	cols := map[string]int{}
	var periods []string
	for _, p := range places {
		k := p.Start + "-" + p.End
		if _, ok := cols[k]; !ok {
			cols[k] = 0
			periods = append(periods, k)
		}
	}
	sort.Strings(periods)
	for i, k := range periods {
		cols[k] = i
	}
	byDay := map[booking.Date][]cell{}
	for _, d := range days {
		byDay[d] = make([]cell, len(periods))
	}
	for _, p := range places {
		if row, ok := byDay[p.Date]; ok {
			row[cols[p.Start+"-"+p.End]] = cell{PlaceID: p.ID, Free: p.Free(), Key: p.Date.String() + "-" + p.Start[:2] + p.Start[3:]}
		}
	}
	g := grid{Periods: periods}
	for _, d := range days {
		g.Rows = append(g.Rows, gridRow{Date: d.String(), Cells: byDay[d]})
	}
	return g
}
