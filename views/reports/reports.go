package reports

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views"
)

// Email is one report with the portal's public address for links.
type Email struct {
	Report  *models.Report
	BaseURL string // no trailing slash
}

// Todo is one thing to do, with where to do it.
type Todo struct {
	Text, URL string
}

func (e Email) link(path string) string { return e.BaseURL + path }

// Todos is the short "what to do" list, most pressing first.
func (e Email) Todos() []Todo {
	r := e.Report
	var out []Todo
	for _, p := range r.Products {
		if p.Freshness == models.Stale && len(out) < 5 {
			out = append(out, Todo{fmt.Sprintf("%s is stale (SLA %s): check the pipeline that feeds it.", p.Product.Name, p.Product.FreshnessSLA.String()),
				e.link("/products/" + p.Domain + "/" + p.Product.Slug)})
		}
	}
	out = append(out, e.policyTodos()...)
	for _, f := range r.Contracts {
		if len(out) >= 8 {
			break
		}
		out = append(out, Todo{contractTodo(f), e.findingURL(f)})
	}
	if r.DarkTotals.Findings > 0 {
		out = append(out, Todo{fmt.Sprintf("Claim, archive or drop %s of dark data (%s a month).", views.Bytes(&r.DarkTotals.Bytes), e.Money(r.DarkTotals.Cost)),
			e.link("/findings?group=dark-data" + e.domainParam())})
	}
	if n := r.UnusedCount(); n > 0 {
		out = append(out, Todo{fmt.Sprintf("%d products nobody read for %d days: deprecate them or tell their consumers.", n, r.UnreadDays),
			e.link("/findings?group=unused" + e.domainParam())})
	}
	if len(out) == 0 && r.Owns() {
		if len(r.Failing) > 0 {
			out = append(out, Todo{"Nothing urgent: everything you own is fresh and read; some policies warn (below).", e.link("/")})
		} else {
			out = append(out, Todo{"Nothing to do: everything you own is fresh and read.", e.link("/")})
		}
	}
	return out
}

// domainParam narrows findings links to the one owned domain, if one.
func (e Email) domainParam() string {
	if len(e.Report.Domains) == 1 {
		return "&domain=" + url.QueryEscape(e.Report.Domains[0].Domain.Slug)
	}
	return ""
}

// Money formats a monthly cost.
func (e Email) Money(v float64) string {
	if v >= 100 {
		return strconv.FormatFloat(v, 'f', 0, 64) + " " + e.Report.Currency
	}
	if v > 0 && v < 0.01 {
		return "< 0.01 " + e.Report.Currency
	}
	return strconv.FormatFloat(v, 'f', 2, 64) + " " + e.Report.Currency
}

func (e Email) productURL(p models.ReportProduct) string {
	return e.link("/products/" + p.Domain + "/" + p.Product.Slug)
}

func (e Email) findingURL(f models.FindingView) string {
	return e.link("/findings/" + strconv.FormatUint(uint64(f.ID), 10))
}

func greeting(r *models.Report) string {
	if r.Recipient.Name != "" {
		return "Hello " + r.Recipient.Name + ","
	}
	return "Hello,"
}

func sinceText(r *models.Report) string {
	if r.Since == nil {
		return "in the last 7 days"
	}
	return "since your last report on " + r.Since.UTC().Format("2 Jan 2006")
}

func freshnessText(p models.ReportProduct) string {
	switch p.Freshness {
	case models.Stale:
		return "stale since " + p.Product.StaleAt().UTC().Format("2 Jan 15:04 UTC")
	case models.Fresh:
		return "fresh"
	case models.NoSLA:
		return "no SLA"
	}
	return "not measured yet"
}

func usageText(p models.ReportProduct) string {
	h := p.Product.Health
	switch {
	case p.Unused:
		return "unused"
	case h.ReadsPerDay == nil:
		return "usage unknown"
	}
	out := strconv.FormatFloat(*h.ReadsPerDay, 'f', 1, 64) + " reads/day"
	switch h.Trend {
	case "up":
		out += ", rising"
	case "down":
		out += ", falling"
	case "flat":
		out += ", steady"
	case "new":
		out += ", new readers"
	}
	return out
}

func sizeText(p models.ReportProduct) string {
	if p.Product.Health.SizeBytes == nil {
		return "–"
	}
	return views.Bytes(p.Product.Health.SizeBytes)
}

func findingSize(f models.FindingView) string {
	if f.SizeBytes == nil {
		return "–"
	}
	return views.Bytes(f.SizeBytes)
}

func changeText(f models.FindingView) string {
	switch {
	case f.Status == models.FindingClosed:
		return f.Title + " (" + f.Kind + "): " + f.CloseReason
	case f.Kind == models.FindingDarkData:
		return f.Title + " in " + f.SourceName + ": " + f.Reasons() + ", " + findingSize(f)
	}
	return f.Title
}

// Text is the plain-text alternative.
func Text(e Email) string {
	r := e.Report
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	w("%s", greeting(r))
	w("")
	w("%s", Subject(r)+".")
	w("")
	w("What to do")
	for _, t := range e.Todos() {
		w("- %s", t.Text)
		w("  %s", t.URL)
	}
	if len(r.NewStale)+len(r.NewDark)+len(r.Resolved) > 0 {
		w("")
		w("What changed %s", sinceText(r))
		for _, f := range r.NewStale {
			w("- Newly stale: %s", changeText(f))
		}
		for _, f := range r.NewDark {
			w("- New dark data: %s", changeText(f))
		}
		for _, f := range r.Resolved {
			w("- Resolved: %s", changeText(f))
		}
	}
	e.writePolicies(w)
	if len(r.Products) > 0 {
		w("")
		w("Your data products")
		for _, p := range r.Products {
			w("- %s (%s): %s; %s; %s", p.Product.Name, p.Domain, freshnessText(p), usageText(p), sizeText(p))
			w("  %s", e.productURL(p))
		}
	}
	if r.DarkTotals.Findings > 0 {
		w("")
		w("Dark data in your domains: %d assets, %s, about %s a month", r.DarkTotals.Findings, views.Bytes(&r.DarkTotals.Bytes), e.Money(r.DarkTotals.Cost))
		for _, f := range r.Dark {
			w("- %s in %s: %s, %s", f.Title, f.SourceName, f.Reasons(), findingSize(f))
			w("  %s", e.findingURL(f))
		}
	}
	w("")
	w("You get this report %s. Change how often: %s", "because you own data in meshport", e.link("/profile"))
	return b.String()
}

func itoa(n int) string { return strconv.Itoa(n) }

func freshnessStyle(p models.ReportProduct) string {
	if p.Freshness == models.Stale {
		return "border-bottom:1px solid #f3f4f6;color:#b91c1c;font-weight:bold;"
	}
	return "border-bottom:1px solid #f3f4f6;"
}

// contractTodo says what a contract finding asks of its owner.
func contractTodo(f models.FindingView) string {
	if f.Kind == models.FindingContractDrift {
		return "The contract of " + f.Title + " no longer matches its table: " + f.Detail + ". Fix the table or publish a new contract version."
	}
	return "Quality checks of " + f.Title + " failed: " + f.Detail + "."
}
