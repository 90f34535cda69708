package products

import (
	"fmt"
	"strconv"
	"time"

	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/views"
)

func outcomeClass(outcome string) string {
	if outcome == "not applicable" {
		return "badge badge-outcome-na"
	}
	return "badge badge-outcome-" + outcome
}

// waiverText: "until 31 Jan 2027, by ana@example.com, because ...".
func waiverText(w models.PolicyWaiver) string {
	s := "until " + w.ExpiresAt.UTC().Format("2 Jan 2006")
	if w.DecidedBy != "" && w.State == models.WaiverApproved {
		s += ", by " + w.DecidedBy
	}
	return s + ", because " + w.Reason
}

func waiverState(w models.PolicyWaiver, now time.Time) string {
	switch {
	case w.State == models.WaiverApproved && !w.ActiveAt(now):
		return "ended"
	case w.State == models.WaiverApproved:
		return "approved"
	case w.State == models.WaiverRejected && w.DecisionNote != "":
		return "rejected (" + w.DecisionNote + ")"
	}
	return w.State
}

// waivable are the failing policies a waiver may be asked for.
func waivable(rs []models.ResultView) []views.Option {
	var out []views.Option
	for _, r := range rs {
		if r.Outcome == "fail" || r.Outcome == "error" {
			out = append(out, views.Option{Value: strconv.FormatUint(uint64(r.PolicyID), 10), Label: r.PolicyName})
		}
	}
	return out
}

// enforceSoon tells the owner how long a failing blocking policy still
// only warns.
func enforceSoon(r models.ResultView, now time.Time) string {
	if r.Severity != models.SeverityBlocking || r.EnforceFrom == nil || !now.Before(*r.EnforceFrom) ||
		(r.Outcome != "fail" && r.Outcome != "error") {
		return ""
	}
	days := int(r.EnforceFrom.Sub(now).Hours()/24) + 1
	return fmt.Sprintf("%s becomes blocking on %s, in %s: until then this product can be active while it fails; after that it cannot.",
		r.PolicyName, r.EnforceFrom.UTC().Format("2 Jan 2006"), views.Plural(days, "day"))
}

func historyText(h models.PolicyResultEvent) string {
	if h.Message == "" || h.Outcome == "pass" {
		return h.Outcome
	}
	return h.Outcome + ": " + h.Message
}
