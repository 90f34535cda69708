package handlers

import (
	"bytes"
	"context"
	"slices"
	"sync"
	"time"

	"github.com/a-h/templ"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views/trends"
)

// drawnCharts keeps the dashboards' trend charts drawn. Four charts of 90
// titled points were two thirds of the home page's time and most of its
// allocations, which under load meant a garbage collection every fifth of
// a second; the daily totals they draw change a few times a day.
type drawnCharts struct {
	mu      sync.Mutex
	byScope map[uint]drawnChart // by domain id; 0: the whole portal
}

type drawnChart struct {
	trend    []models.HealthDay
	day      string // the charts end today
	currency string
	days     int
	html     templ.Component
}

// maxDrawnCharts bounds the cache: a scope per domain and the portal.
const maxDrawnCharts = 1000

// of returns d's charts, drawn now or earlier from the same figures.
func (dc *drawnCharts) of(ctx context.Context, domainID uint, d trends.Data) (templ.Component, error) {
	day := d.Now.UTC().Format(time.DateOnly)
	dc.mu.Lock()
	e, ok := dc.byScope[domainID]
	dc.mu.Unlock()
	if ok && e.day == day && e.currency == d.Currency && e.days == d.Days && slices.Equal(e.trend, d.Trend) {
		return e.html, nil
	}
	var buf bytes.Buffer
	if err := trends.Charts(d).Render(ctx, &buf); err != nil {
		return nil, err
	}
	e = drawnChart{trend: slices.Clone(d.Trend), day: day, currency: d.Currency, days: d.Days, html: templ.Raw(buf.String())}
	dc.mu.Lock()
	if dc.byScope == nil || len(dc.byScope) >= maxDrawnCharts {
		dc.byScope = map[uint]drawnChart{}
	}
	dc.byScope[domainID] = e
	dc.mu.Unlock()
	return e.html, nil
}
