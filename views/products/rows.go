package products

import (
	"context"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views"
)

// resultRows renders the rows of the product table. It is written in Go
// rather than templ because templ turns every {expression} into a
// fmt.Sprint call, and this loop, fifty rows of six values on the most
// visited page, made that a fifth of the page's CPU. Every value still goes
// through templ.EscapeString; nothing from users is written raw.
func resultRows(items []models.Product, now time.Time) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		b := &stickyWriter{w: w}
		statuses, classes := models.Statuses(), models.Classifications()
		for i := range items {
			p := &items[i]
			b.WriteString(`<tr><td><a href="`)
			b.WriteString(templ.EscapeString(productURL(*p)))
			b.WriteString(`">`)
			b.WriteString(templ.EscapeString(p.Name))
			b.WriteString(`</a>`)
			if p.ContainsPII {
				b.WriteString(` <span class="badge badge-pii" title="Contains personal data">PII</span>`)
			}
			if len(p.Tags) > 0 {
				b.WriteString(` <span class="muted small">`)
				b.WriteString(templ.EscapeString(strings.Join(p.Tags, ", ")))
				b.WriteString(`</span>`)
			}
			b.WriteString(`</td><td>`)
			if p.Domain != nil {
				b.WriteString(templ.EscapeString(p.Domain.Name))
			}
			b.WriteString(`</td><td>`)
			b.WriteString(templ.EscapeString(p.Owner))
			b.WriteString(`</td><td>`)
			writeBadge(b, p.Status, statuses)
			b.WriteString(`</td><td>`)
			writeBadge(b, p.Classification, classes)
			b.WriteString(`</td><td class="health">`)
			writeHealth(b, p, now)
			b.WriteString(`</td><td>`)
			writeScore(b, p.PolicyScore, p.PolicyLevel)
			b.WriteString(`</td></tr>`)
		}
		return b.err
	})
}

// writeScore is the policy score badge and the level reached, if any.
func writeScore(b *stickyWriter, score *int, level string) {
	if score == nil {
		b.WriteString(`<span class="muted small">no policies</span>`)
		return
	}
	b.WriteString(scoreBadge(*score))
	if level != "" {
		b.WriteString(levelBadge(level))
	}
}

// scoreBadges are the markup of every score (0 to 100), made once: the
// list writes fifty a page.
var scoreBadges = func() [101]string {
	var out [101]string
	for i := range out {
		out[i] = `<span class="badge badge-score-` + views.ScoreBand(i) + `" title="share of policies passed">` + strconv.Itoa(i) + `%</span>`
	}
	return out
}()

func scoreBadge(score int) string {
	if score >= 0 && score <= 100 {
		return scoreBadges[score]
	}
	return `<span class="badge" title="share of policies passed">` + strconv.Itoa(score) + `%</span>`
}

// levelBadges are the markup of the maturity levels, made once.
var levelBadges = func() map[string]string {
	out := map[string]string{}
	for _, l := range models.PolicyLevels() {
		out[l] = levelMarkup(l)
	}
	return out
}()

func levelBadge(level string) string {
	if m, ok := levelBadges[level]; ok {
		return m
	}
	return levelMarkup(level)
}

func levelMarkup(level string) string {
	lv := templ.EscapeString(level)
	return ` <span class="badge badge-level-` + lv + `">` + lv + `</span>`
}

// writeHealth is the compact health of a list row: freshness against the
// SLA, reads per day and size, for products whose ports are crawled.
func writeHealth(b *stickyWriter, p *models.Product, now time.Time) {
	h := &p.Health
	if h.Ports == 0 {
		b.WriteString(`<span class="muted small">not crawled</span>`)
		return
	}
	state := p.FreshnessAt(now)
	class := state
	if state == models.NoSLA {
		class = "none"
	}
	b.WriteString(`<span class="badge badge-health-` + class + `">` + templ.EscapeString(state) + `</span>`)
	if h.ReadsPerDay != nil {
		b.WriteString(` <span class="small" title="reads per day">` + perDay(*h.ReadsPerDay) + `/day</span>`)
	}
	if h.SizeBytes != nil {
		b.WriteString(` <span class="muted small">` + templ.EscapeString(sizeText(*h.SizeBytes)) + `</span>`)
	}
	if h.Gone > 0 {
		b.WriteString(` <span class="badge badge-port-gone">` + strconv.Itoa(h.Gone) + ` gone</span>`)
	}
}

// stickyWriter writes strings until the first error and keeps it, so the
// row code above reads as plain markup.
type stickyWriter struct {
	w   io.Writer
	err error
}

func (s *stickyWriter) WriteString(str string) {
	if s.err == nil {
		_, s.err = io.WriteString(s.w, str)
	}
}

// optionList renders a select's options, in Go for the same reason as
// resultRows: the product filter lists every domain on every page view.
func optionList(options []views.Option, selected string) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		b := &stickyWriter{w: w}
		for _, o := range options {
			b.WriteString(`<option value="`)
			b.WriteString(templ.EscapeString(o.Value))
			if o.Value == selected {
				b.WriteString(`" selected>`)
			} else {
				b.WriteString(`">`)
			}
			b.WriteString(templ.EscapeString(o.Label))
			b.WriteString(`</option>`)
		}
		return b.err
	})
}

// writeBadge writes the same markup as views.StatusBadge and
// views.ClassBadge; known values get their colour class. The markup of the
// known values is made once (two badges a row, fifty rows a page).
func writeBadge(b *stickyWriter, value string, known []string) {
	if m, ok := knownBadges[value]; ok && slices.Contains(known, value) {
		b.WriteString(m)
		return
	}
	b.WriteString(badgeMarkup(value, known))
}

var knownBadges = func() map[string]string {
	out := map[string]string{}
	for _, known := range [][]string{models.Statuses(), models.Classifications()} {
		for _, v := range known {
			out[v] = badgeMarkup(v, known)
		}
	}
	return out
}()

func badgeMarkup(value string, known []string) string {
	class := "badge"
	if slices.Contains(known, value) {
		class = "badge badge-" + value
	}
	return `<span class="` + class + `">` + templ.EscapeString(value) + `</span>`
}
