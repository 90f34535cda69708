package models_test

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/models/storetest"
)

func TestDomainRepresentatives(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		// Created without any: empty, meaning its owners.
		plain := createDomain(t, s, "Plain", "plain-team")
		if got, err := s.GetDomain(ctx, plain.Slug); err != nil || len(got.Representatives) != 0 {
			t.Fatalf("domain created without representatives has %v (%v), want none", got.Representatives, err)
		}
		if in := plain.Input(); in.Representatives == nil || len(in.Representatives) != 0 {
			t.Errorf("Input().Representatives = %#v, want an empty list", in.Representatives)
		}

		_, err := s.CreateDomain(ctx, admin, models.DomainInput{Name: "Checkout", Owners: []string{"checkout-team"},
			Representatives: []string{" Omar@Example.com ", "", "omar@example.com", "Governance Guild", "governance guild"}})
		mustOK(t, err, "create domain with representatives")
		want := models.StringList{"omar@example.com", "Governance Guild"}
		got, err := s.GetDomain(ctx, "checkout")
		mustOK(t, err, "get domain")
		if !reflect.DeepEqual(got.Representatives, want) {
			t.Errorf("stored representatives %v, want %v (trimmed, emails lower-cased, blanks and duplicates dropped)", got.Representatives, want)
		}
		if in := got.Input(); !reflect.DeepEqual(in.Representatives, []string(want)) {
			t.Errorf("Input().Representatives = %v, want %v", in.Representatives, want)
		}
		if e := lastAudit(t, s); e.Action != "created" || changesByField(e)["representatives"].After != "omar@example.com, Governance Guild" {
			t.Errorf("create audit %s records representatives %+v", e.Action, changesByField(e)["representatives"])
		}
		if !storetest.Owner("governance guild").Represents(got) || storetest.Owner("checkout-team").Represents(got) {
			t.Error("named representatives do not replace the owners as voters")
		}

		// Update replaces them, and the audit says what changed.
		in := got.Input()
		in.Representatives = []string{"VERA@example.com"}
		_, err = s.UpdateDomain(ctx, storetest.Owner("checkout-team"), "checkout", in)
		mustOK(t, err, "owner updates representatives")
		got, _ = s.GetDomain(ctx, "checkout")
		if !reflect.DeepEqual(got.Representatives, models.StringList{"vera@example.com"}) {
			t.Errorf("updated representatives %v, want [vera@example.com]", got.Representatives)
		}
		e := lastAudit(t, s)
		assertChange(t, e, "representatives", "omar@example.com, Governance Guild", "vera@example.com")
		if fields := changedFields(e); !reflect.DeepEqual(fields, []string{"representatives"}) {
			t.Errorf("update audit changed %v, want only representatives", fields)
		}

		// A patch that leaves them out keeps them; one that empties them
		// goes back to the owners.
		_, err = s.PatchDomain(ctx, admin, "checkout", func(in *models.DomainInput) error { in.Description = "Orders."; return nil })
		mustOK(t, err, "patch description")
		if got, _ = s.GetDomain(ctx, "checkout"); !reflect.DeepEqual(got.Representatives, models.StringList{"vera@example.com"}) {
			t.Errorf("a patch of the description changed the representatives to %v", got.Representatives)
		}
		_, err = s.PatchDomain(ctx, admin, "checkout", func(in *models.DomainInput) error { in.Representatives = nil; return nil })
		mustOK(t, err, "patch representatives away")
		if got, _ = s.GetDomain(ctx, "checkout"); len(got.Representatives) != 0 {
			t.Errorf("representatives after emptying them: %v", got.Representatives)
		}
		assertChange(t, lastAudit(t, s), "representatives", "vera@example.com", "")
		if !storetest.Owner("checkout-team").Represents(got) {
			t.Error("with no representatives, the owners do not represent the domain")
		}
	})
}

func TestDomainRepresentativesBadInput(t *testing.T) {
	t.Parallel()
	tooMany := make([]string, 21)
	for i := range tooMany {
		tooMany[i] = fmt.Sprintf("rep%d@example.com", i)
	}
	for _, tc := range []struct {
		name string
		reps []string
		msg  string
	}{
		{"not an email", []string{"bob@"}, "\u201cbob@\u201d is not a valid email address."},
		{"email with a name", []string{"Bob <bob@example.com>"}, "\u201cbob <bob@example.com>\u201d is not a valid email address."},
		{"neither email nor group", []string{"team!"}, "\u201cteam!\u201d is neither an email address nor a group name (letters, digits, spaces and . _ : / -, at most 100)."},
		{"too many", tooMany, "At most 20 representatives."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			storetest.Each(t, func(t *testing.T, s *models.Store) {
				createDomain(t, s, "Checkout", "checkout-team")
				before := rowCounts(t, s)

				_, err := s.CreateDomain(ctx, admin, models.DomainInput{Name: "Marketing", Owners: []string{"m-team"}, Representatives: tc.reps})
				assertErr(t, err, models.EINVALID, "representatives")
				if got := models.ErrorFields(err)["representatives"]; got != tc.msg {
					t.Errorf("create: representatives error %q, want %q", got, tc.msg)
				}

				in := models.DomainInput{Name: "Checkout", Owners: []string{"checkout-team"}, Representatives: tc.reps}
				_, err = s.UpdateDomain(ctx, admin, "checkout", in)
				assertErr(t, err, models.EINVALID, "representatives")

				_, err = s.PatchDomain(ctx, admin, "checkout", func(in *models.DomainInput) error {
					in.Description = "Changed."
					in.Representatives = tc.reps
					return nil
				})
				assertErr(t, err, models.EINVALID, "representatives")

				assertNothingWritten(t, s, before)
				got, err := s.GetDomain(ctx, "checkout")
				mustOK(t, err, "get domain")
				if len(got.Representatives) != 0 || got.Description != "" {
					t.Errorf("refused writes changed the domain: representatives %v, description %q", got.Representatives, got.Description)
				}
			})
		})
	}
}

func TestDomainCompliance(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		createDomain(t, s, "Alpha", "a-team")
		createDomain(t, s, "Beta", "b-team")
		createDomain(t, s, "Gamma", "g-team")
		createDomain(t, s, "Delta", "d-team")
		scores := map[string]*int{}
		for _, p := range []struct {
			domain, name string
			score        *int
		}{
			{"alpha", "A1", intp(90)}, {"alpha", "A2", intp(81)}, {"alpha", "A3", nil}, // mean 85.5 → 86
			{"beta", "B1", intp(40)},
			{"gamma", "G1", nil}, // scored products none: no compliance
		} {
			prod := createProduct(t, s, p.domain, p.name, models.StatusDraft)
			scores[prod.Slug] = p.score
		}
		// Scores are the policy evaluation's; set them as it would leave them.
		for slug, score := range scores {
			mustOK(t, s.DB().Exec("UPDATE products SET policy_score = ? WHERE slug = ?", score, slug).Error, "set score")
		}
		mustOK(t, s.DB().Exec("UPDATE catalog_versions SET version = version + 1 WHERE id = 1").Error, "bump catalog")

		list, err := s.ListDomains(ctx)
		mustOK(t, err, "list domains")
		want := map[string]string{"alpha": "86", "beta": "40", "gamma": "none", "delta": "none"}
		for _, d := range list {
			got := "none"
			if d.Compliance != nil {
				got = fmt.Sprint(*d.Compliance)
			}
			if got != want[d.Slug] {
				t.Errorf("%s compliance %s, want %s", d.Slug, got, want[d.Slug])
			}
		}

		order := func(sort, q string) []string {
			t.Helper()
			page, err := s.FindDomains(ctx, models.DomainSearch{ListSearch: models.ListSearch{Q: q}, Sort: sort})
			mustOK(t, err, "find domains sorted by "+sort)
			var slugs []string
			for _, d := range page.Items {
				slugs = append(slugs, d.Slug)
			}
			return slugs
		}
		if got, want := order("", ""), []string{"alpha", "beta", "delta", "gamma"}; !reflect.DeepEqual(got, want) {
			t.Errorf("default order %v, want by name %v", got, want)
		}
		if got, want := order("name", ""), []string{"alpha", "beta", "delta", "gamma"}; !reflect.DeepEqual(got, want) {
			t.Errorf("sort=name %v, want %v", got, want)
		}
		// Lowest first; domains without a score last, by name.
		if got, want := order(" Compliance ", ""), []string{"beta", "alpha", "delta", "gamma"}; !reflect.DeepEqual(got, want) {
			t.Errorf("sort=compliance %v, want %v", got, want)
		}
		if got, want := order("compliance", "a"), []string{"beta", "alpha", "delta", "gamma"}; !reflect.DeepEqual(got, want) {
			t.Errorf("sort=compliance searching \"a\" %v, want %v", got, want)
		}
		for _, bad := range []string{"score; DROP TABLE domains", "name desc", "products"} {
			_, err := s.FindDomains(ctx, models.DomainSearch{Sort: bad})
			assertErr(t, err, models.EINVALID, "sort")
			if got := models.ErrorFields(err)["sort"]; got != "Sort by one of: name, compliance." {
				t.Errorf("sort %q refused with %q", bad, got)
			}
		}
		if n := countRows(t, s, "domains"); n != 4 {
			t.Errorf("%d domains after the refused sorts, want 4", n)
		}
	})
}

func intp(n int) *int { return &n }
