package models_test

import (
	"strings"
	"testing"
	"time"

	"github.com/meshport/meshport/models"
)

// policyTables are the tables a refused governance write must not touch.
var policyTables = []string{"policies", "policy_versions", "policy_proposals", "policy_votes",
	"policy_waivers", "policy_results", "policy_result_events", "audit_entries", "products", "output_ports"}

// govStore is a store on s's database with the test clock c and opts.
func govStore(s *models.Store, c *clock, opts models.Options) *models.Store {
	opts.Clock = c.Now
	return models.NewStore(s.DB(), opts)
}

// person is a signed-in user with a verified email and no admin rights.
func person(id uint, email string) models.Principal {
	return models.Principal{UserID: id, Email: email, EmailVerified: true, Name: email, Via: "session"}
}

func boolp(b bool) *bool { return &b }

// retireStarters takes the starter pack out of force, so a test counts
// only its own policies.
func retireStarters(t *testing.T, s *models.Store) {
	t.Helper()
	var ids []uint
	mustOK(t, s.DB().Model(&models.Policy{}).Where("starter = ?", true).Pluck("id", &ids).Error, "starter ids")
	if len(ids) != 8 {
		t.Fatalf("starter pack has %d policies, want 8", len(ids))
	}
	for _, id := range ids {
		_, err := s.RetirePolicy(ctx, admin, id, "not in this test")
		mustOK(t, err, "retire starter")
	}
}

// adoptPolicy creates a policy as admin, adopted at once.
func adoptPolicy(t *testing.T, s *models.Store, in models.PolicyInput) *models.Policy {
	t.Helper()
	in.State = models.PolicyAdopted
	ch, err := s.CreatePolicy(ctx, admin, in)
	mustOK(t, err, "create policy "+in.Name)
	if ch.Policy.State != models.PolicyAdopted || ch.Proposal != nil {
		t.Fatalf("admin's policy %s: state %q, proposal %v; want adopted at once", in.Name, ch.Policy.State, ch.Proposal)
	}
	return ch.Policy
}

// starter returns the starter policy with key.
func starter(t *testing.T, s *models.Store, key string) *models.Policy {
	t.Helper()
	var p models.Policy
	mustOK(t, s.DB().Where("key = ?", key).Take(&p).Error, "starter "+key)
	return &p
}

// result reads the stored result of a policy for a product; ok is false
// when there is none.
func result(t *testing.T, s *models.Store, policyID, productID uint) (r models.PolicyResult, ok bool) {
	t.Helper()
	var rs []models.PolicyResult
	mustOK(t, s.DB().Where("policy_id = ? AND product_id = ?", policyID, productID).Find(&rs).Error, "result")
	if len(rs) == 0 {
		return r, false
	}
	return rs[0], true
}

// assertResult checks a stored outcome and that its message contains msg.
func assertResult(t *testing.T, s *models.Store, pol *models.Policy, prod *models.Product, outcome, msg string) {
	t.Helper()
	r, ok := result(t, s, pol.ID, prod.ID)
	if !ok {
		t.Fatalf("no result of %q for %s; want %s", pol.Key, prod.Slug, outcome)
	}
	if r.Outcome != outcome || !strings.Contains(r.Message, msg) {
		t.Fatalf("result of %q for %s = %s %q; want %s containing %q", pol.Key, prod.Slug, r.Outcome, r.Message, outcome, msg)
	}
}

// product reads a product fresh from the store.
func product(t *testing.T, s *models.Store, domain, slug string) *models.Product {
	t.Helper()
	p, err := s.GetProduct(ctx, domain, slug)
	mustOK(t, err, "get product "+domain+"/"+slug)
	return p
}

// countWhere counts the rows of table matching where.
func countWhere(t *testing.T, s *models.Store, table, where string, args ...any) int64 {
	t.Helper()
	var n int64
	mustOK(t, s.DB().Table(table).Where(where, args...).Count(&n).Error, "count "+table)
	return n
}

// tagged is a valid product input with tags.
func tagged(domain, name string, tags ...string) models.ProductInput {
	in := productInput(domain, name)
	in.Tags = tags
	return in
}

// day is the test clock's date shifted by days, as a policy or waiver day.
func day(c *clock, days int) string {
	return c.Now().AddDate(0, 0, days).Format(time.DateOnly)
}
