package governance

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views"
)

// OverviewData is the governance page.
type OverviewData struct {
	Page      views.Page
	Policies  []models.PolicySummary
	Proposals []ProposalView
	// Requested are waivers awaiting a decision; Expiring end within
	// ExpiringDays.
	Requested, Expiring []models.PolicyWaiver
	ExpiringDays        int
	Leaderboard         []LeaderRow
	Mesh                LeaderRow
	CanPropose          bool
	Now                 time.Time
}

// ProposalView is an open proposal with its policy, impact and tally.
type ProposalView struct {
	Policy   models.Policy
	Proposal models.PolicyProposal
	Impact   models.Impact
	Tally    models.Tally
}

// LeaderRow is one domain's compliance now and over the trend's days.
type LeaderRow struct {
	Slug, Name string
	// Score is the mean policy score of its scored products, -1 for none.
	Score, Scored int
	Trend         Trend
}

// LeaderRows ranks domains by their latest compliance, best first; domains
// with nothing scored go last.
func LeaderRows(domains []models.Domain, trend map[uint][]models.ComplianceDay, days int, now time.Time) []LeaderRow {
	rows := make([]LeaderRow, 0, len(domains))
	for _, d := range domains {
		rows = append(rows, leaderRow(d.Slug, d.Name, trend[d.ID], days, now))
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].Score > rows[j].Score })
	return rows
}

// MeshRow is the whole mesh's compliance (domain id 0 in the trend).
func MeshRow(trend map[uint][]models.ComplianceDay, days int, now time.Time) LeaderRow {
	return leaderRow("", "Whole mesh", trend[0], days, now)
}

func leaderRow(slug, name string, days []models.ComplianceDay, span int, now time.Time) LeaderRow {
	r := LeaderRow{Slug: slug, Name: name, Score: -1, Trend: NewTrend(name, days, span, now)}
	if n := len(days); n > 0 {
		r.Score, r.Scored = days[n-1].Mean(), days[n-1].Scored
	}
	return r
}

// PolicyData is a policy's page.
type PolicyData struct {
	Page   views.Page
	Detail *models.PolicyDetail
	// Impact is the open proposal's dry run on current data.
	Impact  *models.Impact
	Results []models.ResultView
	// VoteFor are the domains the viewer may vote for on the open proposal.
	VoteFor []models.Domain
	CanEdit bool
	IsAdmin bool
	// Errors and Comment refill the vote form after a refused vote.
	Errors  models.FieldErrors
	Message string
	Comment string
	Now     time.Time
}

// FormData is the new or edit policy form.
type FormData struct {
	Page    views.Page
	Input   models.PolicyInput
	Errors  models.FieldErrors
	Message string
	Editing *models.Policy
	// Domains are those whose policies the viewer may make.
	Domains []models.Domain
	// CanPropose: the viewer may propose global policies.
	CanPropose bool
	IsAdmin    bool
}

// Action is where the form posts.
func (f FormData) Action() string {
	if f.Editing != nil {
		return PolicyURL(f.Editing.ID)
	}
	return "/governance/policies"
}

// ValidateURL checks the form as it is typed.
func (f FormData) ValidateURL() string { return "/governance/policies/validate" }

func (f FormData) scopeOptions() []views.Option {
	var opts []views.Option
	if f.CanPropose || (f.Editing != nil && f.Editing.Scope == models.ScopeGlobal) {
		opts = append(opts, views.Option{Value: models.ScopeGlobal, Label: "Global (decided by the domains)"})
	}
	if len(f.Domains) > 0 || (f.Editing != nil && f.Editing.Scope == models.ScopeDomain) {
		opts = append(opts, views.Option{Value: models.ScopeDomain, Label: "One domain"})
	}
	return opts
}

func (f FormData) domainOptions() []views.Option {
	opts := []views.Option{{Value: "", Label: "Choose a domain"}}
	for _, d := range f.Domains {
		opts = append(opts, views.Option{Value: d.Slug, Label: d.Name})
	}
	if f.Editing != nil && f.Editing.Domain != nil && len(f.Domains) == 0 {
		opts = append(opts, views.Option{Value: f.Editing.Domain.Slug, Label: f.Editing.Domain.Name})
	}
	return opts
}

func severityOptions() []views.Option {
	return []views.Option{{Value: models.SeverityWarning, Label: "Warning: shown, never blocks"},
		{Value: models.SeverityBlocking, Label: "Blocking: an active product must pass"}}
}

func levelOptions() []views.Option {
	return append([]views.Option{{Value: "", Label: "None"}}, views.Options(models.PolicyLevels()...)...)
}

func fieldOptions() []views.Option {
	return append([]views.Option{{Value: "", Label: "None (shown with the status)"}}, views.Options(models.PolicyFields()...)...)
}

// PolicyURL is a policy's page.
func PolicyURL(id uint) string { return "/governance/policies/" + strconv.FormatUint(uint64(id), 10) }

// ProductURL is a product's page.
func ProductURL(domain, slug string) string { return "/products/" + domain + "/" + slug }

// scopeText says where a policy applies.
func scopeText(p models.Policy) string {
	if p.Scope == models.ScopeGlobal {
		return "Global"
	}
	if p.Domain != nil {
		return "Domain: " + p.Domain.Name
	}
	return "Domain"
}

// rateText is a pass rate as shown: "87% of 40", or "none apply".
func rateText(s models.PolicyStats) string {
	if s.PassRate() < 0 {
		return "none apply"
	}
	return fmt.Sprintf("%d%% of %d", s.PassRate(), s.Applicable())
}

func rateBand(s models.PolicyStats) string {
	if s.PassRate() < 0 {
		return "na"
	}
	return views.ScoreBand(s.PassRate())
}

// domainRates are a policy's per-domain stats, by domain slug.
func domainRates(s models.PolicySummary) []domainRate {
	out := make([]domainRate, 0, len(s.ByDomain))
	for slug, st := range s.ByDomain {
		if st.Applicable() > 0 {
			out = append(out, domainRate{slug, st})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Slug < out[j].Slug })
	return out
}

type domainRate struct {
	Slug  string
	Stats models.PolicyStats
}

// severityText: "blocking", "blocking from 31 Jan 2027 (in 12 days)" or "warning".
func severityText(s models.PolicySpec, now time.Time) string {
	if s.Severity != models.SeverityBlocking {
		return "warning"
	}
	if s.EnforceFrom != nil && now.Before(*s.EnforceFrom) {
		days := int(s.EnforceFrom.Sub(now).Hours()/24) + 1
		return "blocking from " + s.EnforceFrom.Format("2 Jan 2006") + " (in " + views.Plural(days, "day") + "; warns until then)"
	}
	return "blocking"
}

// OutcomeClass is the badge class of a result's outcome.
func OutcomeClass(outcome string) string {
	if outcome == "not applicable" {
		return "badge badge-outcome-na"
	}
	return "badge badge-outcome-" + outcome
}

func actionText(a string) string {
	switch a {
	case models.ActionCreate:
		return "adopt this new policy"
	case models.ActionRetire:
		return "retire this policy"
	}
	return "change this policy"
}

func itoa(i int) string { return strconv.Itoa(i) }

func day(t time.Time) string { return t.UTC().Format("2 Jan 2006") }

func dayTime(t time.Time) string { return t.UTC().Format("2 Jan 2006 15:04 UTC") }

// specDiff lists what a proposal changes against the policy in force.
func specDiff(cur models.PolicySpec, next models.PolicySpec, adopted bool) []string {
	if !adopted {
		return nil
	}
	var out []string
	add := func(name, a, b string) {
		if a != b {
			out = append(out, name+": "+quote(a)+" → "+quote(b))
		}
	}
	add("name", cur.Name, next.Name)
	add("description", cur.Description, next.Description)
	add("severity", cur.Severity, next.Severity)
	add("condition", cur.Condition, next.Condition)
	add("rule", cur.Rule, next.Rule)
	add("message", cur.Message, next.Message)
	add("field", cur.Field, next.Field)
	add("level", cur.Level, next.Level)
	add("enforce from", dayOf(cur.EnforceFrom), dayOf(next.EnforceFrom))
	return out
}

func dayOf(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.Format(time.DateOnly)
}

func quote(s string) string {
	if s == "" {
		return "(none)"
	}
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return "\u201c" + strings.TrimSpace(s) + "\u201d"
}

func waiverLine(w models.PolicyWaiver) string {
	s := "until " + day(w.ExpiresAt)
	if w.DecidedBy != "" {
		s += ", by " + w.DecidedBy
	}
	return s + ", because " + w.Reason
}
