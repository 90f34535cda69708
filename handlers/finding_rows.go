package handlers

import (
	"bytes"
	"context"
	"sync"
	"time"

	"github.com/a-h/templ"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views/findings"
)

// drawnRows keeps findings list rows drawn. Drawing 50 rows was most of
// the findings page's time and allocations; a row only changes with its
// finding (a new findings snapshot), the currency, or the day count it
// shows.
type drawnRows struct {
	mu   sync.Mutex
	byID map[uint]drawnRow
}

type drawnRow struct {
	// view is the finding as drawn. Equal views are the same finding in
	// the same snapshot: the view holds the snapshot's own time pointers,
	// and keeps them alive, so another snapshot cannot compare equal.
	view     models.FindingView
	currency string
	until    time.Time // the row's day count changes then
	html     templ.Component
}

// maxDrawnRows bounds the cache (a row is about 1 kB): the first pages of
// the filters people use fit, and a full cache starts over.
const maxDrawnRows = 5000

// of returns f's row as of now, drawn now or earlier.
func (dr *drawnRows) of(ctx context.Context, f *models.FindingView, currency string, now time.Time) templ.Component {
	dr.mu.Lock()
	e, ok := dr.byID[f.ID]
	dr.mu.Unlock()
	if ok && e.view == *f && e.currency == currency && now.Before(e.until) {
		return e.html
	}
	var buf bytes.Buffer
	if err := findings.Row(f, currency, now).Render(ctx, &buf); err != nil {
		// Not kept; drawing it again in the page reports the error.
		return findings.Row(f, currency, now)
	}
	e = drawnRow{view: *f, currency: currency, until: findings.RowChangesAt(f, now), html: templ.Raw(buf.String())}
	dr.mu.Lock()
	if dr.byID == nil || len(dr.byID) >= maxDrawnRows {
		dr.byID = map[uint]drawnRow{}
	}
	dr.byID[f.ID] = e
	dr.mu.Unlock()
	return e.html
}
