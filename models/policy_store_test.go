package models_test

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/models/storetest"
)

var lineColumn = regexp.MustCompile(`line \d+, column \d+`)

// CEL that does not parse or type-check is refused at its field with the
// line and column, and nothing is written.
func TestPolicyCELErrorsRefusedAtSave(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		createDomain(t, s, "Sales", "sales@example.com")
		cases := []struct {
			name         string
			in           models.PolicyInput
			field, wants string
		}{
			{"syntax error in the condition", models.PolicyInput{Name: "Syntax", Rule: "true", Condition: "product.status = 'active'"},
				"condition", "line 1, column 16: Syntax error"},
			{"syntax error on line 2", models.PolicyInput{Name: "Syntax two", Rule: "product.owner != '' &&\n  (product.name != ''"},
				"rule", "line 2, column"},
			{"unknown field", models.PolicyInput{Name: "Unknown field", Rule: "product.descriptoin != ''"},
				"rule", "line 1, column 8: undefined field 'descriptoin'"},
			{"unknown variable", models.PolicyInput{Name: "Unknown variable", Rule: "produt.name != ''"},
				"rule", "line 1, column 1: undeclared reference to 'produt'"},
			{"rule gives a string", models.PolicyInput{Name: "Wrong type", Rule: "product.owner"},
				"rule", "line 1, column 1: The rule must give true or false, but this gives a string."},
			{"message gives an int", models.PolicyInput{Name: "Wrong message", Rule: "true", Message: "size(product.tags)"},
				"message", "line 1, column 1: The message must give a string, but this gives an int."},
			{"message type error", models.PolicyInput{Name: "Message overload", Rule: "true", Message: "'has ' + size(product.tags)"},
				"message", "no matching overload"},
			{"domain policy", models.PolicyInput{Name: "Domain syntax", Domain: "sales", Rule: "product.tags.exists(t, t ="},
				"rule", "Syntax error"},
		}
		for _, tc := range cases {
			for _, state := range []string{"", models.PolicyAdopted} {
				in := tc.in
				in.State = state
				before := rowCounts(t, s, policyTables...)
				_, err := s.CreatePolicy(ctx, admin, in)
				assertErr(t, err, models.EINVALID, tc.field)
				msg := models.ErrorFields(err)[tc.field]
				if !strings.Contains(msg, tc.wants) {
					t.Errorf("%s: %s says %q, want %q", tc.name, tc.field, msg, tc.wants)
				}
				if !lineColumn.MatchString(msg) {
					t.Errorf("%s: %s says %q, without line and column", tc.name, tc.field, msg)
				}
				assertNothingWritten(t, s, before)

				// The dry run refuses the same input the same way.
				_, err = s.DryRun(ctx, in)
				assertErr(t, err, models.EINVALID, tc.field)
			}
		}

		// A change to an existing policy is refused the same way, and the
		// policy keeps what it said.
		owner := starter(t, s, "owner-named")
		before := rowCounts(t, s, policyTables...)
		_, err := s.ChangePolicy(ctx, admin, owner.ID, func(in *models.PolicyInput) error {
			in.Rule, in.State = "size(product.ownr) > 0", models.PolicyAdopted
			return nil
		})
		assertErr(t, err, models.EINVALID, "rule")
		if !lineColumn.MatchString(models.ErrorFields(err)["rule"]) {
			t.Errorf("change: %q has no line and column", models.ErrorFields(err)["rule"])
		}
		assertNothingWritten(t, s, before)
		if got := starter(t, s, "owner-named"); got.Rule != owner.Rule || got.Version != 1 {
			t.Errorf("refused change left rule %q version %d", got.Rule, got.Version)
		}
	})
}

// Every write path refuses bad input with a clear code and writes nothing.
func TestPolicyWritesRefuseBadInput(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		createDomain(t, s, "Sales", "sales@example.com")
		sales := person(10, "sales@example.com")
		readOnlyAdmin := admin
		readOnlyAdmin.ReadOnly = true
		good := models.PolicyInput{Name: "Has tags", Severity: "warning", Rule: "size(product.tags) > 0"}
		with := func(change func(*models.PolicyInput)) models.PolicyInput {
			in := good
			change(&in)
			return in
		}
		long := strings.Repeat("a", 2001)
		creates := []struct {
			name  string
			p     models.Principal
			in    models.PolicyInput
			code  string
			field string
		}{
			{"no name", admin, with(func(in *models.PolicyInput) { in.Name = " " }), models.EINVALID, "name"},
			{"no rule", admin, with(func(in *models.PolicyInput) { in.Rule = "" }), models.EINVALID, "rule"},
			{"bad scope", admin, with(func(in *models.PolicyInput) { in.Scope = "mesh" }), models.EINVALID, "scope"},
			{"domain scope without domain", admin, with(func(in *models.PolicyInput) { in.Scope = "domain" }), models.EINVALID, "domain"},
			{"global with domain", admin, with(func(in *models.PolicyInput) { in.Scope, in.Domain = "global", "sales" }), models.EINVALID, "domain"},
			{"unknown domain", admin, with(func(in *models.PolicyInput) { in.Domain = "nowhere" }), models.EINVALID, "domain"},
			{"bad severity", admin, with(func(in *models.PolicyInput) { in.Severity = "fatal" }), models.EINVALID, "severity"},
			{"bad applies_to", admin, with(func(in *models.PolicyInput) { in.AppliesTo = "source" }), models.EINVALID, "applies_to"},
			{"bad field", admin, with(func(in *models.PolicyInput) { in.Field = "colour" }), models.EINVALID, "field"},
			{"bad level", admin, with(func(in *models.PolicyInput) { in.Level = "platinum" }), models.EINVALID, "level"},
			{"bad day", admin, with(func(in *models.PolicyInput) { in.Severity, in.EnforceFrom = "blocking", "31/01/2031" }), models.EINVALID, "enforce_from"},
			{"warning with a day", admin, with(func(in *models.PolicyInput) { in.EnforceFrom = "2031-01-31" }), models.EINVALID, "enforce_from"},
			{"state retired", admin, with(func(in *models.PolicyInput) { in.State = "retired" }), models.EINVALID, "state"},
			{"long description", admin, with(func(in *models.PolicyInput) { in.Description = long }), models.EINVALID, "description"},
			{"long comment", admin, with(func(in *models.PolicyInput) { in.Comment = long }), models.EINVALID, "comment"},
			{"long rule", admin, with(func(in *models.PolicyInput) { in.Rule = "true" + strings.Repeat(" && true", 600) }), models.EINVALID, "rule"},
			{"taken key", admin, with(func(in *models.PolicyInput) { in.Key = "owner-named" }), models.EINVALID, "key"},
			{"bad key", admin, with(func(in *models.PolicyInput) { in.Key = "no spaces here" }), models.EINVALID, "key"},
			{"viewer proposes", viewer, good, models.EFORBIDDEN, ""},
			{"viewer adopts", viewer, with(func(in *models.PolicyInput) { in.State = "adopted" }), models.EFORBIDDEN, ""},
			{"owner adopts a global one", sales, with(func(in *models.PolicyInput) { in.State = "adopted" }), models.EFORBIDDEN, ""},
			{"read-only admin", readOnlyAdmin, with(func(in *models.PolicyInput) { in.State = "adopted" }), models.EFORBIDDEN, ""},
			{"read-only admin proposes", readOnlyAdmin, good, models.EFORBIDDEN, ""},
			{"viewer in a domain", viewer, with(func(in *models.PolicyInput) { in.Domain = "sales" }), models.EFORBIDDEN, ""},
		}
		for _, tc := range creates {
			before := rowCounts(t, s, policyTables...)
			_, err := s.CreatePolicy(ctx, tc.p, tc.in)
			if models.ErrorCode(err) != tc.code {
				t.Errorf("create %s: got %v, want %s", tc.name, err, tc.code)
			} else if tc.field != "" {
				assertErr(t, err, tc.code, tc.field)
			}
			assertNothingWritten(t, s, before)
		}

		pol := adoptPolicy(t, s, good)
		domainPol := adoptPolicy(t, s, with(func(in *models.PolicyInput) { in.Name, in.Domain = "Sales tags", "sales" }))
		errNope := errors.New("the caller gave up")
		changes := []struct {
			name   string
			p      models.Principal
			id     uint
			change func(*models.PolicyInput) error
			code   string
			field  string
		}{
			{"unknown policy", admin, 999999, func(*models.PolicyInput) error { return nil }, models.ENOTFOUND, ""},
			{"new key", admin, pol.ID, func(in *models.PolicyInput) error { in.Key = "other"; return nil }, models.EINVALID, "key"},
			{"new scope", admin, pol.ID, func(in *models.PolicyInput) error { in.Scope, in.Domain = "domain", "sales"; return nil }, models.EINVALID, "scope"},
			{"domain to global", admin, domainPol.ID, func(in *models.PolicyInput) error { in.Scope, in.Domain = "global", ""; return nil }, models.EINVALID, "scope"},
			{"bad severity", admin, pol.ID, func(in *models.PolicyInput) error { in.Severity = "x"; return nil }, models.EINVALID, "severity"},
			{"caller error", admin, pol.ID, func(*models.PolicyInput) error { return errNope }, models.EINTERNAL, ""},
			{"viewer", viewer, pol.ID, func(in *models.PolicyInput) error { in.Rule = "true"; return nil }, models.EFORBIDDEN, ""},
			{"viewer on a domain policy", viewer, domainPol.ID, func(in *models.PolicyInput) error { in.Rule = "true"; return nil }, models.EFORBIDDEN, ""},
			{"read-only admin", readOnlyAdmin, pol.ID, func(in *models.PolicyInput) error { in.Rule = "true"; return nil }, models.EFORBIDDEN, ""},
			{"owner adopts a global change", sales, pol.ID, func(in *models.PolicyInput) error { in.Rule, in.State = "true", "adopted"; return nil }, models.EFORBIDDEN, ""},
		}
		for _, tc := range changes {
			before := rowCounts(t, s, policyTables...)
			_, err := s.ChangePolicy(ctx, tc.p, tc.id, tc.change)
			if models.ErrorCode(err) != tc.code {
				t.Errorf("change %s: got %v, want %s", tc.name, err, tc.code)
			} else if tc.field != "" {
				assertErr(t, err, tc.code, tc.field)
			}
			assertNothingWritten(t, s, before)
		}

		retires := []struct {
			name string
			p    models.Principal
			id   uint
			code string
		}{
			{"unknown policy", admin, 999999, models.ENOTFOUND},
			{"viewer", viewer, pol.ID, models.EFORBIDDEN},
			{"viewer on a domain policy", viewer, domainPol.ID, models.EFORBIDDEN},
			{"read-only admin", readOnlyAdmin, pol.ID, models.EFORBIDDEN},
			{"read-only admin on a domain policy", readOnlyAdmin, domainPol.ID, models.EFORBIDDEN},
		}
		for _, tc := range retires {
			before := rowCounts(t, s, policyTables...)
			_, err := s.RetirePolicy(ctx, tc.p, tc.id, "")
			if models.ErrorCode(err) != tc.code {
				t.Errorf("retire %s: got %v, want %s", tc.name, err, tc.code)
			}
			assertNothingWritten(t, s, before)
		}

		// A retired policy cannot change, and retiring it again changes nothing.
		_, err := s.RetirePolicy(ctx, admin, pol.ID, "")
		mustOK(t, err, "retire")
		before := rowCounts(t, s, policyTables...)
		_, err = s.ChangePolicy(ctx, admin, pol.ID, func(in *models.PolicyInput) error { in.Rule = "true"; return nil })
		assertErr(t, err, models.ECONFLICT, "")
		_, err = s.RetirePolicy(ctx, admin, pol.ID, "")
		mustOK(t, err, "retire again")
		_, err = s.RetirePolicy(ctx, viewer, pol.ID, "")
		assertErr(t, err, models.EFORBIDDEN, "")
		assertNothingWritten(t, s, before)

		// Proposals: votes and decisions refuse bad input.
		prop, err := s.CreatePolicy(ctx, sales, models.PolicyInput{Name: "Proposed", Rule: "true"})
		mustOK(t, err, "propose")
		createProduct(t, s, "sales", "Orders", models.StatusDraft) // sales votes once it owns a product
		votes := []struct {
			name string
			p    models.Principal
			id   uint
			in   models.VoteInput
			code string
			fld  string
		}{
			{"no choice", sales, prop.Proposal.ID, models.VoteInput{Comment: "hm"}, models.EINVALID, "approve"},
			{"reject without a reason", sales, prop.Proposal.ID, models.VoteInput{Approve: boolp(false)}, models.EINVALID, "comment"},
			{"long comment", sales, prop.Proposal.ID, models.VoteInput{Approve: boolp(true), Comment: long}, models.EINVALID, "comment"},
			{"unknown proposal", sales, 999999, models.VoteInput{Approve: boolp(true)}, models.ENOTFOUND, ""},
			{"viewer", viewer, prop.Proposal.ID, models.VoteInput{Approve: boolp(true)}, models.EFORBIDDEN, ""},
			{"admin represents nothing", admin, prop.Proposal.ID, models.VoteInput{Approve: boolp(true)}, models.EFORBIDDEN, ""},
		}
		for _, tc := range votes {
			before := rowCounts(t, s, policyTables...)
			_, err := s.Vote(ctx, tc.p, tc.id, tc.in)
			if models.ErrorCode(err) != tc.code {
				t.Errorf("vote %s: got %v, want %s", tc.name, err, tc.code)
			} else if tc.fld != "" {
				assertErr(t, err, tc.code, tc.fld)
			}
			assertNothingWritten(t, s, before)
		}
		readOnlySales := sales
		readOnlySales.ReadOnly = true
		before = rowCounts(t, s, policyTables...)
		_, err = s.Vote(ctx, readOnlySales, prop.Proposal.ID, models.VoteInput{Approve: boolp(true)})
		assertErr(t, err, models.EFORBIDDEN, "")
		_, err = s.DecideProposal(ctx, sales, prop.Proposal.ID, true)
		assertErr(t, err, models.EFORBIDDEN, "")
		_, err = s.DecideProposal(ctx, readOnlyAdmin, prop.Proposal.ID, true)
		assertErr(t, err, models.EFORBIDDEN, "")
		_, err = s.DecideProposal(ctx, admin, 999999, true)
		assertErr(t, err, models.ENOTFOUND, "")
		assertNothingWritten(t, s, before)

		_, err = s.DecideProposal(ctx, admin, prop.Proposal.ID, false)
		mustOK(t, err, "reject")
		before = rowCounts(t, s, policyTables...)
		_, err = s.DecideProposal(ctx, admin, prop.Proposal.ID, true)
		assertErr(t, err, models.ECONFLICT, "")
		_, err = s.Vote(ctx, sales, prop.Proposal.ID, models.VoteInput{Approve: boolp(true)})
		assertErr(t, err, models.ECONFLICT, "")
		assertNothingWritten(t, s, before)
	})
}

// A change that changes nothing adopts no new version.
func TestPolicyChangeWithoutDifferenceAdoptsNothing(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		createDomain(t, s, "Sales", "sales@example.com")
		pol := adoptPolicy(t, s, models.PolicyInput{Name: "Tagged soon", Severity: "blocking", Rule: "size(product.tags) > 0",
			EnforceFrom: "2031-01-31", Level: "silver", Field: "tags", Domain: "sales"})
		for _, p := range []models.Principal{admin, person(10, "sales@example.com")} {
			before := rowCounts(t, s, policyTables...)
			ch, err := s.ChangePolicy(ctx, p, pol.ID, func(in *models.PolicyInput) error { in.State = "adopted"; return nil })
			mustOK(t, err, "change nothing")
			if ch.Proposal != nil || ch.Policy.Version != 1 {
				t.Errorf("%s: a change without difference gave version %d, proposal %v", p.Label(), ch.Policy.Version, ch.Proposal)
			}
			assertNothingWritten(t, s, before)
		}
		got, err := s.GetPolicy(ctx, pol.ID)
		mustOK(t, err, "get")
		if got.Policy.EnforceFrom == nil || got.Policy.Input().EnforceFrom != "2031-01-31" || len(got.Versions) != 1 {
			t.Errorf("enforce from %v, versions %d", got.Policy.EnforceFrom, len(got.Versions))
		}

		// A real change by the domain's owner is adopted at once as version 2.
		ch, err := s.ChangePolicy(ctx, person(10, "sales@example.com"), pol.ID, func(in *models.PolicyInput) error {
			in.EnforceFrom = "2031-02-28"
			return nil
		})
		mustOK(t, err, "change the day")
		if ch.Proposal != nil || ch.Policy.Version != 2 || ch.Policy.State != models.PolicyAdopted {
			t.Fatalf("domain owner's change: version %d state %s proposal %v", ch.Policy.Version, ch.Policy.State, ch.Proposal)
		}
		got, err = s.GetPolicy(ctx, pol.ID)
		mustOK(t, err, "get")
		if len(got.Versions) != 2 || got.Versions[0].Version != 2 || got.Versions[0].AdoptedBy != "sales@example.com" {
			t.Fatalf("versions %+v", got.Versions)
		}
		changed := map[string]models.AuditChange{}
		for _, c := range got.Versions[0].Changes {
			changed[c.Field] = c
		}
		if c := changed["enforce_from"]; len(got.Versions[0].Changes) != 1 || c.Before != "2031-01-31" || c.After != "2031-02-28" {
			t.Errorf("version 2 records changes %+v", got.Versions[0].Changes)
		}
	})
}

// Domain owners decide their own domain's policies, and nobody else's; a
// global policy they can only propose to change or retire.
func TestDomainOwnersAndGlobalPolicies(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		createDomain(t, s, "Sales", "sales@example.com")
		createDomain(t, s, "Marketing", "mkt@example.com")
		sales := person(10, "sales@example.com")
		createProduct(t, s, "sales", "Orders", models.StatusDraft)

		// Not in another domain.
		before := rowCounts(t, s, policyTables...)
		_, err := s.CreatePolicy(ctx, sales, models.PolicyInput{Name: "Marketing tags", Domain: "marketing", Rule: "size(product.tags) > 0"})
		assertErr(t, err, models.EFORBIDDEN, "")
		assertNothingWritten(t, s, before)
		mkt := adoptPolicy(t, s, models.PolicyInput{Name: "Marketing tags", Domain: "marketing", Rule: "size(product.tags) > 0"})
		before = rowCounts(t, s, policyTables...)
		_, err = s.ChangePolicy(ctx, sales, mkt.ID, func(in *models.PolicyInput) error { in.Rule = "true"; return nil })
		assertErr(t, err, models.EFORBIDDEN, "")
		_, err = s.RetirePolicy(ctx, sales, mkt.ID, "")
		assertErr(t, err, models.EFORBIDDEN, "")
		assertNothingWritten(t, s, before)

		// Their own domain's policies are adopted at once, and retired at once.
		own, err := s.CreatePolicy(ctx, sales, models.PolicyInput{Name: "Sales tags", Domain: "sales", Rule: "size(product.tags) > 0"})
		mustOK(t, err, "own domain policy")
		if own.Policy.State != models.PolicyAdopted || own.Policy.Version != 1 || own.Proposal != nil || own.Policy.Scope != models.ScopeDomain {
			t.Fatalf("own domain policy %+v, proposal %v", own.Policy, own.Proposal)
		}
		ret, err := s.RetirePolicy(ctx, sales, own.Policy.ID, "done")
		mustOK(t, err, "retire own")
		if ret.Policy.State != models.PolicyRetired || ret.Proposal != nil {
			t.Errorf("retired own: %s, proposal %v", ret.Policy.State, ret.Proposal)
		}
		if n := countWhere(t, s, "policy_results", "policy_id = ?", own.Policy.ID); n != 0 {
			t.Errorf("a retired policy keeps %d results", n)
		}

		// A global one: never directly; a plain change or retirement is a
		// proposal and the policy keeps saying what it said.
		g := starter(t, s, "owner-named")
		before = rowCounts(t, s, policyTables...)
		_, err = s.ChangePolicy(ctx, sales, g.ID, func(in *models.PolicyInput) error {
			in.Severity, in.State = "warning", "adopted"
			return nil
		})
		assertErr(t, err, models.EFORBIDDEN, "")
		assertNothingWritten(t, s, before)

		ch, err := s.ChangePolicy(ctx, sales, g.ID, func(in *models.PolicyInput) error { in.Severity = "warning"; return nil })
		mustOK(t, err, "propose a change")
		if ch.Proposal == nil || ch.Proposal.Action != models.ActionChange || ch.Proposal.Spec.Severity != "warning" {
			t.Fatalf("change proposal %+v", ch.Proposal)
		}
		if got := starter(t, s, "owner-named"); got.Severity != models.SeverityBlocking || got.Version != 1 || got.State != models.PolicyAdopted {
			t.Errorf("a proposed change took effect: %s v%d %s", got.Severity, got.Version, got.State)
		}
		// One open proposal per policy.
		before = rowCounts(t, s, policyTables...)
		_, err = s.RetirePolicy(ctx, sales, g.ID, "")
		assertErr(t, err, models.ECONFLICT, "")
		assertNothingWritten(t, s, before)

		g2 := starter(t, s, "pii-classified")
		rp, err := s.RetirePolicy(ctx, sales, g2.ID, "we disagree")
		mustOK(t, err, "propose to retire")
		if rp.Proposal == nil || rp.Proposal.Action != models.ActionRetire || starter(t, s, "pii-classified").State != models.PolicyAdopted {
			t.Errorf("retire proposal %+v, state %s", rp.Proposal, starter(t, s, "pii-classified").State)
		}
		if imp, err := s.ProposalImpact(ctx, rp.Proposal.ID); err != nil || imp.Pass+imp.Fail+imp.Error+imp.NotApplicable != 0 {
			t.Errorf("impact of retiring: %+v %v", imp, err)
		}

		// The admin changes a global policy directly: the open proposal is
		// superseded.
		ch, err = s.ChangePolicy(ctx, admin, g.ID, func(in *models.PolicyInput) error {
			in.Message, in.State = "'Who answers for it?'", "adopted"
			return nil
		})
		mustOK(t, err, "admin's direct change")
		if ch.Policy.Version != 2 || ch.Policy.Message != "'Who answers for it?'" {
			t.Errorf("direct change: v%d %q", ch.Policy.Version, ch.Policy.Message)
		}
		if n := countWhere(t, s, "policy_proposals", "policy_id = ? AND state = ?", g.ID, models.ProposalWithdrawn); n != 1 {
			t.Errorf("%d withdrawn proposals, want the superseded one", n)
		}
		if e := lastAudit(t, s); e.Action != "adopted directly" || e.Actor != admin.Label() {
			t.Errorf("last audit %q by %q", e.Action, e.Actor)
		}
	})
}
