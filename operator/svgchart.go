package operator

import (
	"fmt"
	"math"
)

// svgChart is one server-rendered chart of the dashboard: inline SVG with a
// <title> and <desc> for screen readers, both axes with their names and
// ticks, and every figure written beside its bar, so the chart reads
// without colour, hover or JavaScript. The builders below compute every
// coordinate; the "svgchart" template only draws.
type svgChart struct {
	ID, Title, Desc string
	Width, Height   int
	Axes            []line
	Grid            []line
	Texts           []svgText
	Rects           []svgRect
	Legend          []legendItem
}

type line struct{ X1, Y1, X2, Y2 int }

type svgText struct {
	X, Y   int
	Text   string
	Anchor string // start, middle, end
	Size   int
	Class  string // figure, tick, axis, label
	Rotate bool   // the y axis name, read bottom-up
}

type svgRect struct {
	X, Y, W, H int
	Fill, Tip  string
}

type legendItem struct {
	X, Y        int
	Fill, Label string
}

// seg is one part of a stacked bar.
type seg struct {
	Name  string
	Fill  string
	Value float64
}

// barGroup is a bar (a column or a row) made of stacked segments, with its
// category label and the figure written at its end.
type barGroup struct {
	Label  string
	Segs   []seg
	Figure string
}

func (g barGroup) total() float64 {
	t := 0.0
	for _, s := range g.Segs {
		t += s.Value
	}
	return t
}

// scaleOf picks a chart's axis: a round tick step (1, 2 or 5 times a
// power of ten; whole numbers for counts) and how many steps cover peak.
func scaleOf(peak float64, counts bool) (step float64, n int) {
	if peak <= 0 {
		return 1, 4
	}
	raw := peak / 4
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	step = 10 * p
	for _, m := range []float64{1, 2, 5} {
		if m*p >= raw {
			step = m * p
			break
		}
	}
	if counts {
		step = math.Max(1, math.Round(step))
	}
	return step, max(1, int(math.Ceil(peak/step-1e-9)))
}

func tickText(v float64, pct bool) string {
	if pct {
		return fmt.Sprintf("%.0f%%", v)
	}
	if v == math.Trunc(v) {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.1f", v)
}

// columns is a vertical stacked bar chart: one column per group, the
// figure above each, category labels under the x axis.
func columns(id, title, desc, xName, yName string, groups []barGroup, legend []seg) svgChart {
	const left, top, plotH, bottom = 56, 34, 200, 58
	colW := 40
	if len(groups) > 0 && len(groups)*colW < 560 {
		colW = min(70, 560/len(groups))
	}
	barW := colW * 3 / 5
	c := svgChart{ID: id, Title: title, Desc: desc, Width: left + len(groups)*colW + 30, Height: top + plotH + bottom}
	c.Width = max(c.Width, 420)
	peak := 0.0
	for _, g := range groups {
		peak = max(peak, g.total())
	}
	step, n := scaleOf(peak, true)
	scale := step * float64(n)
	y0 := top + plotH
	c.Axes = []line{{left, top - 6, left, y0}, {left, y0, c.Width - 10, y0}}
	for i := 0; i <= n; i++ {
		v := step * float64(i)
		y := y0 - int(float64(plotH)*float64(i)/float64(n))
		c.Grid = append(c.Grid, line{left, y, c.Width - 10, y})
		c.Texts = append(c.Texts, svgText{X: left - 6, Y: y + 4, Text: tickText(v, false), Anchor: "end", Size: 11, Class: "tick"})
	}
	for i, g := range groups {
		x := left + i*colW + (colW-barW)/2
		y := y0
		for _, s := range g.Segs {
			h := int(math.Round(float64(plotH) * s.Value / scale))
			if h == 0 {
				continue
			}
			y -= h
			c.Rects = append(c.Rects, svgRect{X: x, Y: y, W: barW, H: h, Fill: s.Fill, Tip: fmt.Sprintf("%s %s %.0f", g.Label, s.Name, s.Value)})
		}
		c.Texts = append(c.Texts,
			svgText{X: x + barW/2, Y: y - 4, Text: g.Figure, Anchor: "middle", Size: 12, Class: "figure"},
			svgText{X: x + barW/2, Y: y0 + 16, Text: g.Label, Anchor: "middle", Size: 11, Class: "label"})
	}
	c.Texts = append(c.Texts,
		svgText{X: (left + c.Width) / 2, Y: y0 + 36, Text: xName, Anchor: "middle", Size: 12, Class: "axis"},
		svgText{X: 14, Y: top + plotH/2, Text: yName, Anchor: "middle", Size: 12, Class: "axis", Rotate: true})
	c.Legend = legendRow(legend, left, y0+44)
	return c
}

// rows is a horizontal stacked bar chart: one row per group, the label
// left of the y axis and the figure right of the bar; pct draws the x
// axis from 0 to 100 %.
func rows(id, title, desc, xName, yName string, groups []barGroup, legend []seg, pct bool) svgChart {
	const left, top, plotW, rowH = 170, 30, 420, 26
	plotH := max(1, len(groups)) * rowH
	c := svgChart{ID: id, Title: title, Desc: desc, Width: left + plotW + 190, Height: top + plotH + 64}
	if len(legend) > 0 {
		c.Height += 16
	}
	step, n := 25.0, 4
	if !pct {
		peak := 0.0
		for _, g := range groups {
			peak = max(peak, g.total())
		}
		step, n = scaleOf(peak, true)
	}
	scale := step * float64(n)
	y0 := top + plotH
	c.Axes = []line{{left, top - 4, left, y0}, {left, y0, left + plotW + 6, y0}}
	for i := 0; i <= n; i++ {
		v := step * float64(i)
		x := left + plotW*i/n
		c.Grid = append(c.Grid, line{x, top - 4, x, y0})
		c.Texts = append(c.Texts, svgText{X: x, Y: y0 + 15, Text: tickText(v, pct), Anchor: "middle", Size: 11, Class: "tick"})
	}
	for i, g := range groups {
		y := top + i*rowH + 4
		x := left
		for _, s := range g.Segs {
			w := int(math.Round(float64(plotW) * s.Value / scale))
			if w == 0 {
				continue
			}
			c.Rects = append(c.Rects, svgRect{X: x, Y: y, W: w, H: rowH - 8, Fill: s.Fill, Tip: fmt.Sprintf("%s %s %s", g.Label, s.Name, tickText(s.Value, pct))})
			x += w
		}
		c.Texts = append(c.Texts,
			svgText{X: left - 6, Y: y + rowH/2 + 1, Text: g.Label, Anchor: "end", Size: 12, Class: "label"},
			svgText{X: x + 6, Y: y + rowH/2 + 1, Text: g.Figure, Anchor: "start", Size: 12, Class: "figure"})
	}
	c.Texts = append(c.Texts,
		svgText{X: left + plotW/2, Y: y0 + 34, Text: xName, Anchor: "middle", Size: 12, Class: "axis"},
		svgText{X: left - 6, Y: top - 12, Text: yName, Anchor: "end", Size: 12, Class: "axis"})
	c.Legend = legendRow(legend, left, y0+44)
	return c
}

func legendRow(items []seg, x, y int) []legendItem {
	var out []legendItem
	for _, s := range items {
		out = append(out, legendItem{X: x, Y: y, Fill: s.Fill, Label: s.Name})
		x += 26 + 14*len([]rune(s.Name))
	}
	return out
}
