package products

import (
	"fmt"
	"strconv"
	"time"

	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views"
)

// chartBar is one day of the reads chart, in SVG units.
type chartBar struct {
	X, Y, H int
	Title   string
}

const chartHeight = 60

// readsBars scales 30 days of reads to bars of a 300×60 chart; a day with
// reads is at least one unit high so it never looks like none.
func readsBars(daily []int64, now time.Time) []chartBar {
	var most int64
	for _, n := range daily {
		most = max(most, n)
	}
	bars := make([]chartBar, len(daily))
	for i, n := range daily {
		h := 0
		if most > 0 {
			h = int(n * (chartHeight - 4) / most)
			if n > 0 && h == 0 {
				h = 1
			}
		}
		day := now.UTC().AddDate(0, 0, i-len(daily)+1).Format("2 Jan")
		bars[i] = chartBar{X: i * 10, Y: chartHeight - h, H: h, Title: fmt.Sprintf("%s: %d reads", day, n)}
	}
	return bars
}

func freshnessLabel(f models.Freshness) string {
	switch f.State {
	case models.Fresh:
		return "fresh"
	case models.Stale:
		return "stale"
	case models.NoSLA:
		return "no SLA"
	}
	return "unknown"
}

// freshnessClass is the state as a CSS class suffix.
func freshnessClass(f models.Freshness) string {
	if f.State == models.NoSLA {
		return "none"
	}
	return freshnessLabel(f)
}

func trendLabel(u models.Usage) string {
	switch u.Trend {
	case "up":
		return "↑ more than the 30 days before"
	case "down":
		return "↓ less than the 30 days before"
	case "flat":
		return "→ about as the 30 days before"
	case "new":
		return "new: no reads the 30 days before"
	}
	return "trend after 60 days of history"
}

func perDay(v float64) string {
	if v >= 10 {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}

func chartLabel(u models.Usage) string {
	return fmt.Sprintf("Reads per day over the last 30 days: %d in total", u.Last30)
}

func sizeText(n int64) string { return views.Bytes(&n) }
