package models_test

import (
	"strings"
	"testing"
	"time"

	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/models/storetest"
)

// assertRefusedBy checks err is a policy refusal naming exactly keys, each
// with a message.
func assertRefusedBy(t *testing.T, err error, keys ...string) []models.PolicyFailure {
	t.Helper()
	assertErr(t, err, models.EINVALID, "")
	fails := models.ErrorPolicies(err)
	if len(fails) != len(keys) {
		t.Fatalf("refusal lists %+v, want %v", fails, keys)
	}
	for i, k := range keys {
		if fails[i].Key != k || fails[i].Message == "" || fails[i].Severity != models.SeverityBlocking {
			t.Fatalf("refusal %d is %+v, want %s with a message", i, fails[i], k)
		}
	}
	return fails
}

// A blocking policy in force refuses an active product, at creation and on
// activation, and nothing is written; a warning never blocks; a draft that
// fails is saved.
func TestBlockingPolicyRefusesActivation(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		createDomain(t, s, "Sales", "sales@example.com")
		sales := person(10, "sales@example.com")
		certified := adoptPolicy(t, s, models.PolicyInput{Name: "Certified", Severity: "blocking", Field: "tags",
			Rule: "'certified' in product.tags", Message: "'Tag it certified; its tags are: ' + product.tags.join(', ')"})
		described := adoptPolicy(t, s, models.PolicyInput{Name: "Has a purpose", Severity: "warning", Field: "purpose",
			Rule: "product.purpose != ''", Message: "'Say what it is for.'"})

		// Created as active: refused, nothing written.
		in := tagged("sales", "Orders", "raw")
		in.Status = models.StatusActive
		before := rowCounts(t, s, policyTables...)
		_, err := s.CreateProduct(ctx, sales, in)
		fails := assertRefusedBy(t, err, certified.Key)
		if fails[0].Message != "Tag it certified; its tags are: raw" || fails[0].Field != "tags" || fails[0].Outcome != "fail" {
			t.Errorf("failure %+v", fails[0])
		}
		if msg := models.ErrorFields(err)["tags"]; !strings.Contains(msg, "Certified: Tag it certified") {
			t.Errorf("tags field says %q", msg)
		}
		assertNothingWritten(t, s, before)
		if _, err := s.GetProduct(ctx, "sales", "orders"); models.ErrorCode(err) != models.ENOTFOUND {
			t.Errorf("the refused product exists: %v", err)
		}

		// As a draft it is saved, and told.
		in.Status = models.StatusDraft
		draft, err := s.CreateProduct(ctx, sales, in)
		mustOK(t, err, "create the draft")
		assertResult(t, s, certified, draft, "fail", "Tag it certified")
		assertResult(t, s, described, draft, "fail", "Say what it is for.")

		// Moving it to active: refused, nothing written.
		before = rowCounts(t, s, policyTables...)
		_, err = s.SetProductStatus(ctx, sales, "sales", "orders", models.StatusActive)
		assertRefusedBy(t, err, certified.Key)
		assertNothingWritten(t, s, before)
		if p := product(t, s, "sales", "orders"); p.Status != models.StatusDraft {
			t.Errorf("refused activation left status %s", p.Status)
		}
		// Saving it as active through an edit: refused too.
		_, err = s.PatchProduct(ctx, sales, "sales", "orders", func(in *models.ProductInput) error {
			in.Status, in.Description = models.StatusActive, "changed"
			return nil
		})
		assertRefusedBy(t, err, certified.Key)
		assertNothingWritten(t, s, before)
		if p := product(t, s, "sales", "orders"); p.Description == "changed" {
			t.Error("a refused edit was kept")
		}

		// Fixed: active, though the warning still fails.
		_, err = s.PatchProduct(ctx, sales, "sales", "orders", func(in *models.ProductInput) error {
			in.Tags = append(in.Tags, "certified")
			return nil
		})
		mustOK(t, err, "tag it")
		active, err := s.SetProductStatus(ctx, sales, "sales", "orders", models.StatusActive)
		mustOK(t, err, "activate with only a warning failing")
		assertResult(t, s, certified, active, "pass", "")
		assertResult(t, s, described, active, "fail", "Say what it is for.")

		// An active product cannot lose what the policy wants.
		before = rowCounts(t, s, policyTables...)
		_, err = s.PatchProduct(ctx, sales, "sales", "orders", func(in *models.ProductInput) error { in.Tags = nil; return nil })
		assertRefusedBy(t, err, certified.Key)
		assertNothingWritten(t, s, before)

		// Deprecating is never blocked.
		_, err = s.SetProductStatus(ctx, sales, "sales", "orders", models.StatusDeprecated)
		mustOK(t, err, "deprecate")
	})
}

// A rule that runs past the cost limit is stopped, in bounded time, and
// counts as an error (never a pass); a blocking one blocks.
func TestRunawayRuleIsStopped(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		createDomain(t, s, "Sales", "sales@example.com")
		draft := createProduct(t, s, "sales", "Orders", models.StatusDraft)
		ten := "[0,1,2,3,4,5,6,7,8,9]"
		rule := "product.tags.size() >= 0 && " + ten + ".all(a, " + ten + ".all(b, " + ten + ".all(c, " + ten + ".all(d, " + ten + ".all(e, " + ten + ".all(f, a+b+c+d+e+f >= 0))))))"
		start := time.Now()
		pol := adoptPolicy(t, s, models.PolicyInput{Name: "Runaway", Severity: "blocking", Rule: rule})
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("adopting a runaway rule took %v", d)
		}
		assertResult(t, s, pol, draft, "error", "cost limit")

		start = time.Now()
		_, err := s.SetProductStatus(ctx, admin, "sales", "orders", models.StatusActive)
		fails := assertRefusedBy(t, err, pol.Key)
		if fails[0].Outcome != "error" || !strings.Contains(fails[0].Message, "cost limit") {
			t.Errorf("failure %+v", fails[0])
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("a save with a runaway rule took %v", d)
		}

		// The dry run says the same; the portal keeps answering.
		imp, err := s.DryRun(ctx, models.PolicyInput{Name: "Runaway", Rule: rule})
		mustOK(t, err, "dry run")
		if imp.Error != 1 || imp.Pass != 0 || imp.Fail != 0 {
			t.Errorf("dry run %+v", imp)
		}
		list, err := s.ListPolicies(ctx, models.PolicyFilter{})
		mustOK(t, err, "list")
		for _, ps := range list {
			if ps.ID == pol.ID && (ps.Stats.Error != 1 || ps.Stats.Pass != 0) {
				t.Errorf("stats %+v", ps.Stats)
			}
		}
	})
}

// A domain policy judges only its domain's products.
func TestDomainPolicyAppliesOnlyInItsDomain(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		createDomain(t, s, "Sales", "sales@example.com")
		createDomain(t, s, "Marketing", "mkt@example.com")
		orders := createProduct(t, s, "sales", "Orders", models.StatusDraft)
		leads := createProduct(t, s, "sales", "Leads", models.StatusDraft)
		campaigns := createProduct(t, s, "marketing", "Campaigns", models.StatusDraft)
		in := models.PolicyInput{Name: "Sales purpose", Domain: "sales", Severity: "blocking", Rule: "product.purpose != ''"}
		ch, err := s.CreatePolicy(ctx, person(10, "sales@example.com"), in)
		mustOK(t, err, "domain policy")
		pol := ch.Policy
		assertResult(t, s, pol, orders, "fail", "")
		assertResult(t, s, pol, leads, "fail", "")
		if _, ok := result(t, s, pol.ID, campaigns.ID); ok {
			t.Error("a sales policy judged a marketing product")
		}
		rs, err := s.PolicyResults(ctx, pol.ID)
		mustOK(t, err, "results")
		if len(rs) != 2 {
			t.Fatalf("%d results, want 2", len(rs))
		}
		for _, r := range rs {
			if r.DomainSlug != "sales" {
				t.Errorf("result in %s", r.DomainSlug)
			}
		}
		// Marketing activates freely; sales does not.
		_, err = s.SetProductStatus(ctx, admin, "marketing", "campaigns", models.StatusActive)
		mustOK(t, err, "marketing activates")
		_, err = s.SetProductStatus(ctx, admin, "sales", "orders", models.StatusActive)
		assertRefusedBy(t, err, pol.Key)
		// A marketing product moving into sales is judged there.
		_, err = s.PatchProduct(ctx, admin, "marketing", "campaigns", func(in *models.ProductInput) error { in.Domain = "sales"; return nil })
		assertRefusedBy(t, err, pol.Key)

		imp, err := s.DryRun(ctx, in)
		mustOK(t, err, "dry run")
		if len(imp.Domains) != 1 || imp.Domains[0].Domain != "sales" || imp.Fail != 2 {
			t.Errorf("dry run of a domain policy %+v", imp)
		}
	})
}

// A blocking policy with an enforce-from day only warns before it.
func TestEnforceFromSwitchesWarningToBlocking(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		c := newClock()
		s = govStore(s, c, models.Options{})
		createDomain(t, s, "Sales", "sales@example.com")
		pol := adoptPolicy(t, s, models.PolicyInput{Name: "Purpose", Severity: "blocking", Rule: "product.purpose != ''",
			EnforceFrom: day(c, 10)})
		early := createProduct(t, s, "sales", "Early", models.StatusDraft)
		_, err := s.SetProductStatus(ctx, admin, "sales", "early", models.StatusActive)
		mustOK(t, err, "activate before the day")
		assertResult(t, s, pol, early, "fail", "")
		createProduct(t, s, "sales", "Late", models.StatusDraft)

		c.Advance(10*24*time.Hour - 9*time.Hour - time.Second) // the last second before the day
		_, err = s.SetProductStatus(ctx, admin, "sales", "late", models.StatusActive)
		mustOK(t, err, "activate on the eve")
		_, err = s.SetProductStatus(ctx, admin, "sales", "late", models.StatusDeprecated)
		mustOK(t, err, "deprecate")

		c.Advance(time.Second) // the day has come
		createProduct(t, s, "sales", "Later", models.StatusDraft)
		before := rowCounts(t, s, policyTables...)
		_, err = s.SetProductStatus(ctx, admin, "sales", "later", models.StatusActive)
		assertRefusedBy(t, err, pol.Key)
		// The product activated early stays active, but its next save is refused.
		_, err = s.PatchProduct(ctx, admin, "sales", "early", func(in *models.ProductInput) error { in.Description = "Edited"; return nil })
		assertRefusedBy(t, err, pol.Key)
		assertNothingWritten(t, s, before)
	})
}

// A crawl that finds an asset gone changes the results of the policy that
// no port points at a gone asset, and back.
func TestCrawlChangesPolicyResults(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		c := newClock()
		s = withSources(t, govStore(s, c, models.Options{}))
		createDomain(t, s, "Sales", "sales@example.com")
		src, err := s.CreateSource(ctx, admin, sourceInput("sales", "Sales DB", "postgres://x@127.0.0.1/sales"))
		mustOK(t, err, "source")
		in := productInput("sales", "Orders")
		in.OutputPorts = []models.PortInput{{Name: "main", Type: "table", Location: "public.orders", Source: src.Slug},
			{Name: "totals", Type: "view", Location: "public.totals", Source: src.Slug}}
		prod, err := s.CreateProduct(ctx, admin, in)
		mustOK(t, err, "product")
		gone := starter(t, s, "no-gone-ports")
		crawled := starter(t, s, "ports-crawled")
		assertResult(t, s, gone, prod, "pass", "")

		orders := models.ObservedAsset{Schema: "public", Name: "orders", Kind: models.AssetTable, SizeBytes: i64(100)}
		totals := models.ObservedAsset{Schema: "public", Name: "totals", Kind: models.AssetView}
		snap := func(obs ...models.ObservedAsset) models.CrawlSnapshot {
			return models.CrawlSnapshot{ServerVersion: "PostgreSQL 16", CountersEpoch: "e1", Assets: obs}
		}
		crawlOnce(t, s, src, snap(orders, totals))
		assertResult(t, s, gone, prod, "pass", "")
		_, err = s.SetProductStatus(ctx, admin, "sales", "orders", models.StatusActive)
		mustOK(t, err, "activate")
		assertResult(t, s, crawled, prod, "pass", "")

		c.Advance(time.Hour)
		crawlOnce(t, s, src, snap(orders))
		assertResult(t, s, gone, prod, "fail", "Gone from their source: totals (public.totals).")

		c.Advance(time.Hour)
		crawlOnce(t, s, src, snap(orders, totals))
		assertResult(t, s, gone, prod, "pass", "")
		var events int64
		mustOK(t, s.DB().Model(&models.PolicyResultEvent{}).Where("policy_id = ? AND product_id = ?", gone.ID, prod.ID).Count(&events).Error, "events")
		if events != 3 {
			t.Errorf("%d result changes recorded, want 3 (pass, fail, pass)", events)
		}
	})
}
