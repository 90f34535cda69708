package models_test

import (
	"testing"
	"time"

	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/models/storetest"
)

func TestProductListHealthAndSorts(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		c := newClock()
		s = withSources(t, withClock(s, c))
		createDomain(t, s, "Sales", "sales-team")
		src, err := s.CreateSource(ctx, admin, sourceInput("sales", "Sales DB", "postgres://x@127.0.0.1/sales"))
		mustOK(t, err, "source")
		product := func(name, table, sla string) {
			in := productInput("sales", name)
			in.FreshnessSLA = sla
			in.OutputPorts = []models.PortInput{{Name: "main", Type: "table", Location: table, Source: "sales-db"}}
			p, err := s.CreateProduct(ctx, admin, in)
			mustOK(t, err, "product "+name)
			_, err = s.SetProductStatus(ctx, admin, "sales", p.Slug, models.StatusActive)
			mustOK(t, err, "activate "+name)
		}
		product("Alpha", "s.small", "1h")
		product("Beta", "s.big", "48h")
		product("Gamma", "s.never", "1h") // its table is never crawled
		delta, err := s.CreateProduct(ctx, admin, productInput("sales", "Delta"))
		mustOK(t, err, "product without crawled ports")
		_, err = s.SetProductStatus(ctx, admin, "sales", delta.Slug, models.StatusActive)
		mustOK(t, err, "activate Delta")

		table := func(name string, size, reads, writes int64) models.ObservedAsset {
			return models.ObservedAsset{Schema: "s", Name: name, Kind: models.AssetTable, SizeBytes: i64(size),
				SeqScans: i64(reads), IdxScans: i64(0), Inserts: i64(writes), Updates: i64(0), Deletes: i64(0)}
		}
		crawl := func(obs ...models.ObservedAsset) { // RecordCrawl refreshes the health itself
			crawlOnce(t, s, src, models.CrawlSnapshot{CountersEpoch: "e", UsageKnown: true, Assets: obs})
		}
		crawl(table("small", 100, 0, 0), table("big", 9000, 0, 0))
		c.Advance(2 * time.Hour)
		crawl(table("small", 100, 50, 1), table("big", 9000, 2, 1)) // both written now, small read more

		names := func(sort string) []string {
			t.Helper()
			page, err := s.ListProducts(ctx, models.ProductFilter{Sort: sort})
			mustOK(t, err, "list "+sort)
			var out []string
			for _, p := range page.Items {
				out = append(out, p.Name)
			}
			return out
		}
		for sort, want := range map[string][]string{
			"":      {"Alpha", "Beta", "Delta", "Gamma"},
			"size":  {"Beta", "Alpha", "Delta", "Gamma"},
			"reads": {"Alpha", "Beta", "Delta", "Gamma"},
			"stale": {"Alpha", "Beta", "Delta", "Gamma"}, // Alpha breaks its 1h SLA first
		} {
			if got := names(sort); !sameList(got, want) {
				t.Errorf("sort %q: %v, want %v", sort, got, want)
			}
		}
		page, _ := s.ListProducts(ctx, models.ProductFilter{})
		byName := map[string]models.Product{}
		for _, p := range page.Items {
			byName[p.Name] = p
		}
		if a := byName["Alpha"]; a.FreshnessAt(c.Now()) != models.Fresh || a.Health.SizeBytes == nil || *a.Health.SizeBytes != 100 {
			t.Errorf("Alpha health %+v", a.Health)
		}
		if g := byName["Gamma"]; g.Health.Ports != 1 || g.Health.Seen != 0 || g.FreshnessAt(c.Now()) != models.FreshnessUnknown {
			t.Errorf("Gamma health %+v", g.Health)
		}
		c.Advance(90 * time.Minute)
		if a, _ := s.GetProduct(ctx, "sales", "alpha"); a.FreshnessAt(c.Now()) != models.Stale {
			t.Errorf("Alpha after its SLA: %s", a.FreshnessAt(c.Now()))
		}
		// A draft on the same stale table is not judged (no SLA is in
		// force before it is published), nor is a retired product.
		in := productInput("sales", "Epsilon")
		in.FreshnessSLA = "1h"
		in.OutputPorts = []models.PortInput{{Name: "main", Type: "table", Location: "s.small", Source: "sales-db"}}
		_, err = s.CreateProduct(ctx, admin, in)
		mustOK(t, err, "draft Epsilon")
		createProduct(t, s, "sales", "Zeta", models.StatusRetired)
		mustOK(t, s.RefreshSourceHealth(ctx, src.ID), "refresh health")
		if e, _ := s.GetProduct(ctx, "sales", "epsilon"); e.FreshnessAt(c.Now()) != models.Stale {
			t.Fatalf("Epsilon is %s, want stale for this test", e.FreshnessAt(c.Now()))
		}
		counts, err := s.DomainHealth(ctx, "sales", c.Now())
		mustOK(t, err, "domain health")
		if counts.Fresh != 1 || counts.Stale != 1 || counts.Unknown != 1 || counts.NotCrawled != 1 || counts.NotInService != 2 ||
			counts.SizeBytes != 9200 || len(counts.StaleProducts) != 1 || counts.StaleProducts[0].Name != "Alpha" {
			t.Errorf("domain health %+v", counts)
		}
		createDomain(t, s, "Finance", "finance-team")
		_, err = s.CreateProduct(ctx, admin, productInput("finance", "Ledger"))
		mustOK(t, err, "product in another domain")
		all, err := s.DomainHealth(ctx, "", c.Now())
		mustOK(t, err, "portal health")
		if all.Fresh != 1 || all.Stale != 1 || all.Unknown != 1 || all.NotCrawled != 1 || all.NotInService != 3 {
			t.Errorf("portal health %+v", all)
		}
		if _, err := s.DomainHealth(ctx, "nope", c.Now()); models.ErrorCode(err) != models.ENOTFOUND {
			t.Errorf("unknown domain: %v", err)
		}
		if f := (models.ProductFilter{Sort: "popularity"}); f.Validate()["sort"] == "" {
			t.Error("an unknown sort is accepted")
		}
	})
}

// TestHealthRefreshWithoutChangeKeepsTheCatalog: a crawl that changes no
// product's health does not move the catalog version (every replica would
// reload its whole catalog); one that does, does. RecordCrawl refreshes the
// health itself, and so does a refresh by hand.
func TestHealthRefreshWithoutChangeKeepsTheCatalog(t *testing.T) {
	t.Parallel()
	s := withSources(t, storetest.SQLite(t))
	createDomain(t, s, "Sales", "sales-team")
	src, err := s.CreateSource(ctx, admin, sourceInput("sales", "Sales DB", "postgres://x@127.0.0.1/sales"))
	mustOK(t, err, "source")
	in := productInput("sales", "Alpha")
	in.OutputPorts = []models.PortInput{{Name: "main", Type: "table", Location: "s.t", Source: "sales-db"}}
	_, err = s.CreateProduct(ctx, admin, in)
	mustOK(t, err, "product")
	snap := models.CrawlSnapshot{Assets: []models.ObservedAsset{{Schema: "s", Name: "t", Kind: models.AssetTable, SizeBytes: i64(10)}}}
	version := func() int64 {
		var v int64
		mustOK(t, s.DB().Raw("SELECT version FROM catalog_versions WHERE id = 1").Scan(&v).Error, "version")
		return v
	}
	before := version()
	crawlOnce(t, s, src, snap)
	if version() != before+1 {
		t.Fatalf("a crawl that changed a product's health moved the catalog version by %d, want 1", version()-before)
	}
	before = version()
	crawlOnce(t, s, src, snap)
	mustOK(t, s.RefreshSourceHealth(ctx, src.ID), "unchanged refresh")
	if version() != before {
		t.Errorf("an unchanged health moved the catalog version")
	}
}
