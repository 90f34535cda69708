package reports

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/meshport/meshport/models"
)

// maxFailures is how many failing policies a report lists (new ones first);
// the rest are counted with a link to the governance page.
const maxFailures = 10

// maxPolicyTodos is how many policy items the "what to do" list takes of
// each kind.
const maxPolicyTodos = 3

// Failures are the failing policies the report lists, new ones first.
func (e Email) Failures() []models.ReportFailure {
	if f := e.Report.Failing; len(f) > maxFailures {
		return f[:maxFailures]
	}
	return e.Report.Failing
}

// MoreFailures counts the failing policies left out of the list.
func (e Email) MoreFailures() int { return max(0, len(e.Report.Failing)-maxFailures) }

func (e Email) failureURL(f models.ReportFailure) string {
	return e.link("/products/" + f.DomainSlug + "/" + f.ProductSlug)
}

func (e Email) waiverURL(w models.ReportWaiver) string {
	return e.link("/products/" + w.DomainSlug + "/" + w.ProductSlug)
}

func (e Email) proposalURL(p models.ReportProposal) string {
	return e.link("/governance/policies/" + strconv.FormatUint(uint64(p.PolicyID), 10))
}

// policyTodos are the policy items of the "what to do" list: what blocks
// or will block, waivers about to end, votes awaited.
func (e Email) policyTodos() []Todo {
	r := e.Report
	var out []Todo
	n := 0
	for _, f := range r.Failing {
		if n == maxPolicyTodos {
			break
		}
		switch {
		case f.BlocksLater(r.Now):
			out = append(out, Todo{fmt.Sprintf("%s fails \u201c%s\u201d, which blocks it from %s (%s): fix it before then.",
				f.ProductName, f.PolicyName, day(*f.EnforceFrom), inDays(r.Now, *f.EnforceFrom)), e.failureURL(f)})
		case f.Blocks(r.Now):
			out = append(out, Todo{fmt.Sprintf("%s fails the blocking policy \u201c%s\u201d: it cannot be saved as active until that is fixed.",
				f.ProductName, f.PolicyName), e.failureURL(f)})
		default:
			continue
		}
		n++
	}
	for i, w := range r.ExpiringWaivers {
		if i == maxPolicyTodos {
			break
		}
		out = append(out, Todo{fmt.Sprintf("The waiver of \u201c%s\u201d for %s ends on %s (%s): fix the product or ask for a new waiver.",
			w.PolicyName, w.ProductName, day(w.ExpiresAt), inDays(r.Now, w.ExpiresAt)), e.waiverURL(w)})
	}
	for i, p := range r.Proposals {
		if i == maxPolicyTodos {
			break
		}
		out = append(out, Todo{fmt.Sprintf("Vote on %s for %s.", proposalText(p), strings.Join(p.Domains, ", ")), e.proposalURL(p)})
	}
	return out
}

// severityText is a failure's severity as the report says it: "warning",
// "blocking", or "blocks from 3 Mar 2027, in 12 days".
func severityText(f models.ReportFailure, now time.Time) string {
	switch {
	case f.BlocksLater(now):
		return "blocks from " + day(*f.EnforceFrom) + ", " + inDays(now, *f.EnforceFrom)
	case f.Severity == models.SeverityBlocking:
		return "blocking"
	}
	return "warning"
}

// failureText is one failing policy in a sentence (without its severity).
func failureText(f models.ReportFailure) string {
	msg := strings.TrimSpace(f.Message)
	if f.Errored() {
		return fmt.Sprintf("\u201c%s\u201d could not be checked for %s: %s", f.PolicyName, f.ProductName, msg)
	}
	if msg == "" {
		return fmt.Sprintf("%s fails \u201c%s\u201d", f.ProductName, f.PolicyName)
	}
	return fmt.Sprintf("%s fails \u201c%s\u201d: %s", f.ProductName, f.PolicyName, msg)
}

func expiringText(w models.ReportWaiver, now time.Time) string {
	return fmt.Sprintf("The waiver of \u201c%s\u201d for %s ends on %s (%s).", w.PolicyName, w.ProductName, day(w.ExpiresAt), inDays(now, w.ExpiresAt))
}

func endedText(w models.ReportWaiver) string {
	out := fmt.Sprintf("The waiver of \u201c%s\u201d for %s ended on %s", w.PolicyName, w.ProductName, day(w.ExpiresAt))
	if w.FailsAgain {
		return out + ": the policy fails for it again."
	}
	return out + "; the product passes the policy now."
}

func proposalText(p models.ReportProposal) string {
	switch p.Action {
	case models.ActionCreate:
		return "the new policy \u201c" + p.PolicyName + "\u201d"
	case models.ActionRetire:
		return "retiring \u201c" + p.PolicyName + "\u201d"
	}
	return "the change to \u201c" + p.PolicyName + "\u201d"
}

func proposalDetail(p models.ReportProposal) string {
	out := "awaiting the vote of " + strings.Join(p.Domains, ", ")
	if p.ProposedBy != "" {
		out += "; proposed by " + p.ProposedBy
	}
	return out + " on " + day(p.CreatedAt)
}

func day(t time.Time) string { return t.UTC().Format("2 Jan 2006") }

// inDays is how far t lies after now in whole days, rounded up: "today",
// "in 1 day", "in 12 days".
func inDays(now, t time.Time) string {
	d := t.Sub(now)
	if d <= 0 {
		return "today"
	}
	n := int((d + 24*time.Hour - 1) / (24 * time.Hour))
	if n == 1 {
		return "in 1 day"
	}
	return "in " + strconv.Itoa(n) + " days"
}

func severityStyle(f models.ReportFailure, now time.Time) string {
	switch {
	case f.BlocksLater(now):
		return "color:#b45309;font-weight:bold;"
	case f.Severity == models.SeverityBlocking:
		return "color:#b91c1c;font-weight:bold;"
	}
	return "color:#6b7280;"
}

// writePolicies writes the Policies section of the text part.
func (e Email) writePolicies(w func(format string, args ...any)) {
	r := e.Report
	if !r.HasPolicies() {
		return
	}
	w("")
	w("Policies")
	for _, f := range e.Failures() {
		prefix := ""
		if f.New {
			prefix = "New: "
		}
		w("- %s%s (%s)", prefix, failureText(f), severityText(f, r.Now))
		w("  %s", e.failureURL(f))
	}
	if n := e.MoreFailures(); n > 0 {
		w("- and %s more", plural(n, "failing policy", "failing policies"))
		w("  %s", e.link("/governance"))
	}
	for _, x := range r.ExpiringWaivers {
		w("- %s", expiringText(x, r.Now))
		w("  %s", e.waiverURL(x))
	}
	for _, x := range r.EndedWaivers {
		w("- %s", endedText(x))
		w("  %s", e.waiverURL(x))
	}
	for _, p := range r.Proposals {
		w("- Vote on %s, %s", proposalText(p), proposalDetail(p))
		w("  %s", e.proposalURL(p))
	}
}
