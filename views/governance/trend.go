package governance

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/meshport/meshport/models"
)

// Trend is a compliance line over the last Days days, scaled to a
// trendWidth×trendHeight SVG with 0–100% on the vertical axis.
type Trend struct {
	Label   string
	Points  []trendPoint
	From    string
	To      string
	Summary string
}

type trendPoint struct {
	X, Y  int
	Title string
}

const (
	trendWidth  = 240
	trendHeight = 48
)

// NewTrend places each recorded day on the span ending at now; days without
// a record are left out, so the line joins those that have one.
func NewTrend(label string, days []models.ComplianceDay, span int, now time.Time) Trend {
	span = max(span, 2)
	first := now.UTC().Truncate(24*time.Hour).AddDate(0, 0, -span+1)
	t := Trend{Label: label, From: first.Format("2 Jan"), To: now.UTC().Format("2 Jan")}
	var words []string
	for _, d := range days {
		at, err := time.Parse(time.DateOnly, d.Day)
		mean := d.Mean()
		if err != nil || mean < 0 {
			continue
		}
		i := int(at.Sub(first).Hours() / 24)
		if i < 0 || i >= span {
			continue
		}
		y := trendHeight - 2 - mean*(trendHeight-4)/100
		t.Points = append(t.Points, trendPoint{X: i * trendWidth / (span - 1), Y: y, Title: fmt.Sprintf("%s: %d%%", at.Format("2 Jan 2006"), mean)})
		words = append(words, fmt.Sprintf("%d%% on %s", mean, at.Format("2 Jan 2006")))
	}
	switch n := len(words); n {
	case 0:
		t.Summary = label + ": no compliance history yet."
	case 1:
		t.Summary = label + ": " + words[0] + " (history starts there)."
	default:
		t.Summary = label + ": from " + words[0] + " to " + words[n-1] + "."
	}
	return t
}

func (t Trend) polyline() string {
	parts := make([]string, len(t.Points))
	for i, p := range t.Points {
		parts[i] = strconv.Itoa(p.X) + "," + strconv.Itoa(p.Y)
	}
	return strings.Join(parts, " ")
}

func (t Trend) viewBox() string { return fmt.Sprintf("0 0 %d %d", trendWidth, trendHeight) }
