package models_test

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/models/storetest"
)

// A global policy proposed by a representative shows its impact (the same
// as a dry run), is adopted exactly at quorum, and another is rejected as
// soon as the quorum cannot be reached; admins may decide directly.
func TestProposalVotesAndQuorum(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		for _, d := range []string{"Sales", "Marketing", "Finance"} {
			createDomain(t, s, d, d+"@example.com")
		}
		createDomain(t, s, "HR", "hr@example.com") // owns no product: does not vote
		sales, mkt, fin, hr := person(10, "Sales@example.com"), person(11, "Marketing@example.com"), person(12, "Finance@example.com"), person(13, "HR@example.com")
		mustOK(t, func() error { _, err := s.CreateProduct(ctx, admin, tagged("sales", "Orders", "pii")); return err }(), "orders")
		mustOK(t, func() error { _, err := s.CreateProduct(ctx, admin, tagged("sales", "Leads")); return err }(), "leads")
		mustOK(t, func() error {
			_, err := s.CreateProduct(ctx, admin, tagged("marketing", "Campaigns", "pii"))
			return err
		}(), "campaigns")
		mustOK(t, func() error { _, err := s.CreateProduct(ctx, admin, tagged("finance", "Ledger")); return err }(), "ledger")

		in := models.PolicyInput{Name: "PII is tagged restricted", Severity: "warning",
			Condition: "'pii' in product.tags", Rule: "product.classification == 'restricted'",
			Message: "'Classified ' + product.classification", Comment: "We keep leaking."}
		ch, err := s.CreatePolicy(ctx, sales, in)
		mustOK(t, err, "propose")
		pol, prop := ch.Policy, ch.Proposal
		if pol.State != models.PolicyProposed || pol.Version != 0 || prop == nil || prop.State != models.ProposalOpen ||
			prop.Action != models.ActionCreate || prop.ProposedBy != sales.Label() || prop.Comment != "We keep leaking." {
			t.Fatalf("proposal: policy %+v, proposal %+v", pol, prop)
		}
		if n := countWhere(t, s, "policy_results", "policy_id = ?", pol.ID); n != 0 {
			t.Errorf("a proposed policy has %d results", n)
		}
		if n := countWhere(t, s, "policy_versions", "policy_id = ?", pol.ID); n != 0 {
			t.Errorf("a proposed policy has %d versions", n)
		}

		// Its impact is a dry run of the same input.
		imp, err := s.ProposalImpact(ctx, prop.ID)
		mustOK(t, err, "impact")
		dry, err := s.DryRun(ctx, in)
		mustOK(t, err, "dry run")
		if !reflect.DeepEqual(imp, dry) {
			t.Errorf("impact %+v differs from the dry run %+v", imp, dry)
		}
		if imp.Fail != 2 || imp.NotApplicable != 2 || imp.Pass != 0 || len(imp.Domains) != 4 {
			t.Errorf("impact %+v; want 2 failing, 2 not applicable, over 4 domains", imp)
		}
		for _, d := range imp.Domains {
			if d.Domain == "sales" && (d.Fail != 1 || len(d.Failing) != 1 || d.Failing[0].Slug != "orders" || d.Failing[0].Message != "Classified internal") {
				t.Errorf("sales impact %+v", d)
			}
		}

		tally, err := s.ProposalTally(ctx, prop.ID)
		mustOK(t, err, "tally")
		if len(tally.Eligible) != 3 || tally.Needed != 2 || len(tally.Pending) != 3 {
			t.Fatalf("tally %+v; want 3 eligible domains, 2 needed", tally)
		}

		// Who may not vote.
		before := rowCounts(t, s, policyTables...)
		for _, p := range []models.Principal{hr, viewer, admin} {
			_, err := s.Vote(ctx, p, prop.ID, models.VoteInput{Approve: boolp(true)})
			assertErr(t, err, models.EFORBIDDEN, "")
		}
		assertNothingWritten(t, s, before)

		// A domain's second vote replaces its first.
		got, err := s.Vote(ctx, sales, prop.ID, models.VoteInput{Approve: boolp(true), Comment: "yes"})
		mustOK(t, err, "sales approves")
		if got.State != models.ProposalOpen {
			t.Fatalf("one approval of three decided the proposal: %s", got.State)
		}
		_, err = s.Vote(ctx, sales, prop.ID, models.VoteInput{Approve: boolp(false), Comment: "second thoughts"})
		mustOK(t, err, "sales changes its vote")
		if n := countWhere(t, s, "policy_votes", "proposal_id = ?", prop.ID); n != 1 {
			t.Fatalf("%d votes after one domain voted twice", n)
		}
		tally, _ = s.ProposalTally(ctx, prop.ID)
		if tally.Approvals != 0 || tally.Rejects != 1 || len(tally.Pending) != 2 {
			t.Errorf("after the replaced vote: %+v", tally)
		}
		_, err = s.Vote(ctx, sales, prop.ID, models.VoteInput{Approve: boolp(true), Comment: "convinced again"})
		mustOK(t, err, "sales approves again")
		if tally, _ = s.ProposalTally(ctx, prop.ID); tally.Approvals != 1 || tally.Rejects != 0 {
			t.Errorf("after approving again: %+v", tally)
		}

		// The second approval is the quorum: adopted, with results stored.
		got, err = s.Vote(ctx, mkt, prop.ID, models.VoteInput{Approve: boolp(true)})
		mustOK(t, err, "marketing approves")
		if got.State != models.ProposalAdopted || got.Direct || got.DecidedBy != "the domains' vote" {
			t.Fatalf("at quorum: %s direct %v by %q", got.State, got.Direct, got.DecidedBy)
		}
		detail, err := s.GetPolicy(ctx, pol.ID)
		mustOK(t, err, "get policy")
		if detail.Policy.State != models.PolicyAdopted || detail.Policy.Version != 1 || len(detail.Versions) != 1 ||
			detail.Versions[0].ProposalID == nil || *detail.Versions[0].ProposalID != prop.ID || detail.Versions[0].Direct {
			t.Fatalf("adopted: %+v, versions %+v", detail.Policy, detail.Versions)
		}
		if detail.Stats.Fail != 2 || detail.Stats.NotApplicable != 2 {
			t.Errorf("results after adoption %+v", detail.Stats)
		}
		orders := product(t, s, "sales", "orders")
		assertResult(t, s, pol, orders, "fail", "Classified internal")
		if _, err := s.Vote(ctx, fin, prop.ID, models.VoteInput{Approve: boolp(true)}); models.ErrorCode(err) != models.ECONFLICT {
			t.Errorf("a vote after adoption: %v", err)
		}

		// Another proposal, a change of the adopted one, rejected once two
		// of three domains reject.
		ch, err = s.ChangePolicy(ctx, fin, pol.ID, func(in *models.PolicyInput) error { in.Severity = "blocking"; return nil })
		mustOK(t, err, "propose a change")
		change := ch.Proposal
		got, err = s.Vote(ctx, sales, change.ID, models.VoteInput{Approve: boolp(false), Comment: "too strict"})
		mustOK(t, err, "sales rejects")
		if got.State != models.ProposalOpen {
			t.Fatalf("one rejection decided: %s", got.State)
		}
		got, err = s.Vote(ctx, mkt, change.ID, models.VoteInput{Approve: boolp(false), Comment: "agreed, too strict"})
		mustOK(t, err, "marketing rejects")
		if got.State != models.ProposalRejected {
			t.Fatalf("with the quorum out of reach the proposal is %s", got.State)
		}
		if p := starter(t, s, pol.Key); p.State != models.PolicyAdopted || p.Severity != models.SeverityWarning || p.Version != 1 {
			t.Errorf("a rejected change changed the policy: %s %s v%d", p.State, p.Severity, p.Version)
		}

		// A new policy whose proposal is rejected is rejected.
		ch, err = s.CreatePolicy(ctx, mkt, models.PolicyInput{Name: "Everything tagged", Rule: "size(product.tags) > 0"})
		mustOK(t, err, "propose another")
		for _, p := range []models.Principal{sales, fin} {
			_, err = s.Vote(ctx, p, ch.Proposal.ID, models.VoteInput{Approve: boolp(false), Comment: "no"})
			mustOK(t, err, "reject")
		}
		if p := starter(t, s, ch.Policy.Key); p.State != models.PolicyRejected {
			t.Errorf("policy of a rejected proposal is %s", p.State)
		}
		// Proposing it again opens a new proposal.
		again, err := s.ChangePolicy(ctx, mkt, ch.Policy.ID, func(in *models.PolicyInput) error { in.Rule = "size(product.tags) >= 0"; return nil })
		mustOK(t, err, "propose again")
		if again.Proposal == nil || again.Proposal.Action != models.ActionCreate || starter(t, s, ch.Policy.Key).State != models.PolicyProposed {
			t.Fatalf("proposing again: %+v", again.Proposal)
		}

		// The admin adopts it directly, recorded as such.
		got, err = s.DecideProposal(ctx, admin, again.Proposal.ID, true)
		mustOK(t, err, "admin adopts")
		if got.State != models.ProposalAdopted || !got.Direct || got.DecidedBy != admin.Label() {
			t.Fatalf("admin's decision: %s direct %v by %q", got.State, got.Direct, got.DecidedBy)
		}
		detail, err = s.GetPolicy(ctx, ch.Policy.ID)
		mustOK(t, err, "get")
		if detail.Policy.State != models.PolicyAdopted || detail.Policy.Rule != "size(product.tags) >= 0" || len(detail.Versions) != 1 ||
			!detail.Versions[0].Direct || detail.Versions[0].AdoptedBy != admin.Label() {
			t.Fatalf("after the admin's adoption: %+v, versions %+v", detail.Policy, detail.Versions)
		}
		if e := lastAudit(t, s); e.Action != "adopted directly" || e.Actor != admin.Label() {
			t.Errorf("audit %q by %q", e.Action, e.Actor)
		}
		if n := countWhere(t, s, "policy_results", "policy_id = ?", ch.Policy.ID); n != 4 {
			t.Errorf("%d results after the admin's adoption, want 4", n)
		}

		// A retirement adopted by the vote retires.
		rp, err := s.RetirePolicy(ctx, sales, ch.Policy.ID, "pointless")
		mustOK(t, err, "propose retiring")
		for _, p := range []models.Principal{sales, mkt} {
			_, err = s.Vote(ctx, p, rp.Proposal.ID, models.VoteInput{Approve: boolp(true)})
			mustOK(t, err, "approve retiring")
		}
		if p := starter(t, s, ch.Policy.Key); p.State != models.PolicyRetired {
			t.Errorf("after the vote to retire: %s", p.State)
		}
		if n := countWhere(t, s, "policy_results", "policy_id = ?", ch.Policy.ID); n != 0 {
			t.Errorf("a retired policy keeps %d results", n)
		}
	})
}

// The quorum is more than the configured share of domains owning products.
func TestProposalQuorumOption(t *testing.T) {
	t.Parallel()
	cases := []struct { // by growing number of domains
		quorum  float64
		domains int
		needed  int
	}{
		{0.29, 1, 1},
		{0, 4, 3},      // default: more than half
		{0.5, 5, 3},    // 2.5 → 3
		{0.6, 5, 4},    // exactly 3 of 5 is not more than 60%
		{0.57, 7, 4},   // 3.99 → 4
		{0.7, 10, 8},   // exactly 7 of 10 is not more than 70%
		{0.58, 50, 30}, // 0.58 × 50 is 28.999999999999996 in floating point; 29 of 50 is not more than 58%
	}
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		c := newClock()
		ch, err := s.CreatePolicy(ctx, admin, models.PolicyInput{Name: "Quorum probe", Rule: "true"})
		mustOK(t, err, "propose")
		n := 0
		for _, tc := range cases {
			for ; n < tc.domains; n++ {
				d := createDomain(t, s, fmt.Sprintf("Domain %02d", n), "o@example.com")
				mustOK(t, func() error { _, err := s.CreateProduct(ctx, admin, productInput(d.Slug, "P")); return err }(), "product")
			}
			st := govStore(s, c, models.Options{PolicyQuorum: tc.quorum})
			tally, err := st.ProposalTally(ctx, ch.Proposal.ID)
			mustOK(t, err, "tally")
			if len(tally.Eligible) != tc.domains || tally.Needed != tc.needed {
				t.Errorf("quorum %v of %d domains: needed %d (of %d eligible), want %d", tc.quorum, tc.domains, tally.Needed, len(tally.Eligible), tc.needed)
			}
		}
	})
}
