package models_test

import (
	"strings"
	"testing"

	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/models/storetest"
)

func search(t *testing.T, s *models.Store, q models.SearchQuery) *models.SearchPage {
	t.Helper()
	page, err := s.Search(ctx, q)
	mustOK(t, err, "search "+q.Q)
	return page
}

func hitNames(p *models.SearchPage) []string {
	out := make([]string, len(p.Hits))
	for i, h := range p.Hits {
		out[i] = h.Kind + ":" + h.Name
	}
	return out
}

func indexOf(list []string, v string) int {
	for i, x := range list {
		if x == v {
			return i
		}
	}
	return -1
}

// Ranking: the exact name first, then names that start so, then tags and
// owners, then descriptions; substrings found; facets count; the index
// follows renames and deletes; hostile input is answered.
func TestSearchRanksAndFollowsWrites(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		createDomain(t, s, "Sales", "sales@example.com")
		for _, in := range []models.ProductInput{
			productInput("sales", "Orders"),
			productInput("sales", "Orders archive"),
			tagged("sales", "Billing", "orders"),
			func() models.ProductInput {
				in := productInput("sales", "Revenue")
				in.Description = "Summed from the shop's orders every night."
				return in
			}(),
		} {
			_, err := s.CreateProduct(ctx, admin, in)
			mustOK(t, err, "create "+in.Name)
		}
		got := hitNames(search(t, s, models.SearchQuery{Q: "orders"}))
		for i, want := range []string{"product:Orders", "product:Orders archive", "product:Billing", "product:Revenue"} {
			if indexOf(got, want) != i {
				t.Fatalf("orders: %q, want %s at %d", got, want, i)
			}
		}
		// Substrings (the trigram index on SQLite, LIKE over pg_trgm).
		if got := hitNames(search(t, s, models.SearchQuery{Q: "rchiv"})); indexOf(got, "product:Orders archive") < 0 {
			t.Errorf("substring: %q", got)
		}
		// Short queries match names that start so.
		if got := hitNames(search(t, s, models.SearchQuery{Q: "Or"})); indexOf(got, "product:Orders") != 0 {
			t.Errorf("two letters: %q", got)
		}
		// Facets and a filter on one.
		page := search(t, s, models.SearchQuery{Q: "orders", Kind: models.SearchProduct})
		if page.Total != 4 || len(page.Facets["kind"]) == 0 || page.Facets["domain"][0].Value != "sales" {
			t.Errorf("facets: total %d %+v", page.Total, page.Facets)
		}
		// Paging with the cursor.
		first := search(t, s, models.SearchQuery{Q: "orders", Limit: 2})
		second := search(t, s, models.SearchQuery{Q: "orders", Limit: 2, Cursor: first.Next})
		if len(first.Hits) != 2 || first.Next == "" || len(second.Hits) < 2 || second.Hits[0].Name == first.Hits[0].Name {
			t.Errorf("paging: %q then %q", hitNames(first), hitNames(second))
		}
		if _, err := s.Search(ctx, models.SearchQuery{Q: "orders", Cursor: "not-a-cursor"}); !models.ErrorFields(err).Has("cursor") {
			t.Errorf("a bad cursor: %v", err)
		}
		// Hostile input is answered, not an error.
		for _, q := range []string{`"`, `""`, `*`, `orders*`, `NEAR(a b)`, `a OR b`, `'; DROP TABLE products; --`, `%`, `_`, `\`, `(`, `)`, `^`,
			strings.Repeat("orders ", 1500), "\x00", "ü¨ö"} {
			if _, err := s.Search(ctx, models.SearchQuery{Q: q}); err != nil {
				t.Errorf("%.40q: %v", q, err)
			}
		}
		if got := hitNames(search(t, s, models.SearchQuery{Q: "%"})); len(got) != 0 {
			t.Errorf("%% matched %q", got)
		}
		// The index follows a rename and a delete.
		_, err := s.PatchProduct(ctx, admin, "sales", "billing", func(in *models.ProductInput) error { in.Name = "Invoices"; return nil })
		mustOK(t, err, "rename")
		if got := hitNames(search(t, s, models.SearchQuery{Q: "invoices"})); indexOf(got, "product:Invoices") != 0 {
			t.Errorf("after the rename: %q", got)
		}
		mustOK(t, s.DeleteProduct(ctx, admin, "sales", "orders-archive"), "delete")
		if got := hitNames(search(t, s, models.SearchQuery{Q: "archive"})); indexOf(got, "product:Orders archive") >= 0 {
			t.Errorf("a deleted product is found: %q", got)
		}
		// Domains and policies are found too; a reindex keeps the same.
		if got := hitNames(search(t, s, models.SearchQuery{Q: "sales"})); indexOf(got, "domain:Sales") != 0 {
			t.Errorf("domain: %q", got)
		}
		if got := hitNames(search(t, s, models.SearchQuery{Q: "described", Kind: models.SearchPolicy})); len(got) == 0 {
			t.Errorf("policies: %q", got)
		}
		before := hitNames(search(t, s, models.SearchQuery{Q: "orders"}))
		n, err := s.Reindex(ctx)
		mustOK(t, err, "reindex")
		if after := hitNames(search(t, s, models.SearchQuery{Q: "orders"})); n == 0 || strings.Join(after, ",") != strings.Join(before, ",") {
			t.Errorf("reindex (%d entries) changed the results: %q -> %q", n, before, after)
		}
	})
}

// Typos are forgiven where the database can: PostgreSQL's pg_trgm finds a
// near spelling, ranked after every real match.
func TestSearchForgivesTyposOnPostgres(t *testing.T) {
	t.Parallel()
	s := storetest.Postgres(t)
	createDomain(t, s, "Sales", "sales@example.com")
	_, err := s.CreateProduct(ctx, admin, productInput("sales", "Customers"))
	mustOK(t, err, "create")
	page := search(t, s, models.SearchQuery{Q: "custmers"})
	if got := hitNames(page); indexOf(got, "product:Customers") < 0 || page.Hits[indexOf(got, "product:Customers")].Rank != 4 {
		t.Errorf("typo: %q", got)
	}
}

// What the review found: no panic on text whose lower case is longer, one
// entry per repeated or very long property, a domain's new slug on all its
// entries, a rejected policy's status, NUL in a facet, a non-ASCII prefix.
func TestSearchOddContent(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		createDomain(t, s, "Sales", "sales@example.com")
		in := productInput("sales", "Über leads")
		in.Description = strings.Repeat("Ⱥ", 100) + " needle in the text"
		_, err := s.CreateProduct(ctx, admin, in)
		mustOK(t, err, "create")
		if got := hitNames(search(t, s, models.SearchQuery{Q: "needle"})); indexOf(got, "product:Über leads") != 0 {
			t.Errorf("needle after long lower case: %q", got)
		}
		if got := hitNames(search(t, s, models.SearchQuery{Q: "üb"})); indexOf(got, "product:Über leads") != 0 {
			t.Errorf("a non-ASCII prefix: %q", got)
		}
		long := strings.Repeat("p", 3000)
		doc := parseContract(t, `apiVersion: v3.1.0
kind: DataContract
id: odd
version: 1.0.0
status: active
schema:
  - name: main
    properties:
      - {name: twice, logicalType: string}
      - {name: twice, logicalType: string}
      - {name: `+long+`, logicalType: string}
  - name: main
    properties:
      - {name: twice, logicalType: integer}
`)
		_, err = s.SaveContract(ctx, admin, "sales", "uber-leads", "main", doc)
		mustOK(t, err, "a contract with repeated and long property names")
		if got := search(t, s, models.SearchQuery{Q: "twice", Kind: models.SearchProperty}); got.Total != 1 {
			t.Errorf("repeated property: %d entries", got.Total)
		}
		for _, q := range []models.SearchQuery{{Q: "x", Domain: "a\x00b"}, {Q: "x", Status: "\x00"}, {Q: "x", SourceKind: strings.Repeat("k", 500)}} {
			if _, err := s.Search(ctx, q); err != nil && models.ErrorCode(err) != models.EINVALID {
				t.Errorf("facet %+v: %v", q, err)
			}
		}
		_, err = s.PatchDomain(ctx, admin, "sales", func(in *models.DomainInput) error { in.Slug = "shop"; return nil })
		mustOK(t, err, "rename the domain")
		if got := search(t, s, models.SearchQuery{Q: "needle", Domain: "shop"}); got.Total != 1 {
			t.Errorf("after the domain's new slug: %d", got.Total)
		}
	})
}
