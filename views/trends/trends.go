package trends

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views"
)

// Data is one dashboard: the open findings' totals now and the daily
// totals of the last Days days.
type Data struct {
	Totals   models.FindingTotals
	Currency string
	Trend    []models.HealthDay
	Days     int
	Now      time.Time
	// Findings is the findings page for this scope, with a leading "?" or
	// "&" free query to which a group is appended ("/findings?domain=x").
	Findings string
	// DrawnCharts, when set, is Charts(d) drawn before; four charts of 90
	// titled points are most of a dashboard's rendering.
	DrawnCharts templ.Component
}

// link is the findings page of one group.
func (d Data) link(group string) string {
	sep := "?"
	if strings.Contains(d.Findings, "?") {
		sep = "&"
	}
	return d.Findings + sep + "group=" + group
}

// Chart is one metric over the days, scaled to a 300×80 SVG.
type Chart struct {
	ID, Label string
	Points    []Point
	Max       string // the top of the scale, formatted
	From, To  string // the first and last day of the scale
	Summary   string // the chart in words
}

// Point is one day's value in SVG units.
type Point struct {
	X, Y  int
	Title string
}

const (
	chartWidth  = 300
	chartHeight = 80
)

// chart scales metric over the last days days ending today; days without
// a record are left out, so the line joins the days that have one.
func (d Data) chart(id, label string, metric func(models.HealthDay) float64, format func(float64) string) Chart {
	c := Chart{ID: id, Label: label, Max: format(0)}
	days := max(d.Days, 2)
	first := d.Now.UTC().AddDate(0, 0, -days+1)
	c.From, c.To = first.Format("2 Jan"), d.Now.UTC().Format("2 Jan")
	var most float64
	for _, day := range d.Trend {
		most = max(most, metric(day))
	}
	if most > 0 {
		c.Max = format(most)
	}
	var summary []string
	for _, day := range d.Trend {
		at, err := time.Parse(time.DateOnly, day.Day)
		if err != nil {
			continue
		}
		i := int(at.Sub(first.Truncate(24*time.Hour)).Hours() / 24)
		if i < 0 || i >= days {
			continue
		}
		v := metric(day)
		y := chartHeight - 2
		if most > 0 {
			y = chartHeight - 2 - int(v/most*float64(chartHeight-6))
		}
		c.Points = append(c.Points, Point{X: i * chartWidth / (days - 1), Y: y, Title: at.Format("2 Jan 2006") + ": " + format(v)})
		summary = append(summary, format(v)+" on "+at.Format("2 Jan 2006"))
	}
	switch n := len(summary); n {
	case 0:
		c.Summary = label + ": no history yet."
	case 1:
		c.Summary = fmt.Sprintf("%s: %s (history starts there).", label, summary[0])
	default:
		c.Summary = fmt.Sprintf("%s: %s, %s.", label, summary[0], summary[n-1])
	}
	return c
}

// Charts are the dashboard's trend charts.
func (d Data) Charts() []Chart {
	return []Chart{
		d.chart("trend-dark-bytes", "Dark data", func(h models.HealthDay) float64 { return float64(h.DarkBytes) }, bytesText),
		d.chart("trend-dark-cost", "Dark data cost per month", func(h models.HealthDay) float64 { return h.DarkCost }, d.money),
		d.chart("trend-stale", "Stale products", func(h models.HealthDay) float64 { return float64(h.Stale) }, countText),
		d.chart("trend-unused", "Unused products", func(h models.HealthDay) float64 { return float64(h.Unused) }, countText),
	}
}

// polyline is the points as an SVG points attribute.
func (c Chart) polyline() string {
	parts := make([]string, len(c.Points))
	for i, p := range c.Points {
		parts[i] = strconv.Itoa(p.X) + "," + strconv.Itoa(p.Y)
	}
	return strings.Join(parts, " ")
}

func bytesText(v float64) string {
	n := int64(v)
	return views.Bytes(&n)
}

func countText(v float64) string { return strconv.FormatInt(int64(v), 10) }

// money formats a monthly cost: cents below 100, whole units above.
func (d Data) money(v float64) string {
	if v >= 100 {
		return strconv.FormatFloat(v, 'f', 0, 64) + " " + d.Currency
	}
	return strconv.FormatFloat(v, 'f', 2, 64) + " " + d.Currency
}

func itoa(i int) string { return strconv.Itoa(i) }
