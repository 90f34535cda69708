package models_test

import (
	"testing"
	"time"

	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/models/storetest"
)

// The score is the passed share with blocking policies counting double;
// the level is the highest whose policies, and those of every level below,
// all pass or are waived.
func TestProductScorecard(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		c := newClock()
		s = govStore(s, c, models.Options{})
		createDomain(t, s, "Sales", "sales@example.com")
		createDomain(t, s, "Marketing", "mkt@example.com")
		retireStarters(t, s)
		tag := func(name, sev, level, want string) *models.Policy {
			return adoptPolicy(t, s, models.PolicyInput{Name: name, Severity: sev, Level: level, Rule: "'" + want + "' in product.tags"})
		}
		bronzeB := tag("Bronze blocking", "blocking", "bronze", "b1")
		tag("Bronze warning", "warning", "bronze", "b2")
		silver := tag("Silver warning", "warning", "silver", "s")
		tag("Gold blocking", "blocking", "gold", "g")
		tag("No level", "warning", "", "x")
		adoptPolicy(t, s, models.PolicyInput{Name: "Never applies", Severity: "blocking", Level: "bronze",
			Condition: "product.status == 'retired'", Rule: "false"})

		cases := []struct {
			name  string
			tags  []string
			score int
			level string
		}{
			// weights: bronze blocking 2, bronze warning 1, silver 1, gold 2, no level 1: 7 in all
			{"All", []string{"b1", "b2", "s", "g", "x"}, 100, "gold"},
			{"Not silver", []string{"b1", "b2", "g", "x"}, 85, "bronze"},          // 6/7
			{"Not gold", []string{"b1", "b2", "s", "x"}, 71, "silver"},            // 5/7
			{"Not bronze warning", []string{"b1", "s", "g", "x"}, 85, ""},         // 6/7; bronze fails, so no level
			{"Not bronze blocking", []string{"b2", "s", "g", "x"}, 71, ""},        // 5/7
			{"Only unlevelled fails", []string{"b1", "b2", "s", "g"}, 85, "gold"}, // 6/7
			{"None", nil, 0, ""},
		}
		for _, tc := range cases {
			p, err := s.CreateProduct(ctx, admin, tagged("sales", tc.name, tc.tags...))
			mustOK(t, err, "product "+tc.name)
			p = product(t, s, "sales", p.Slug)
			sc, err := s.ProductScorecard(ctx, p)
			mustOK(t, err, "scorecard")
			if sc.Score == nil || *sc.Score != tc.score || sc.Level != tc.level {
				t.Errorf("%s: score %v level %q, want %d %q", tc.name, sc.Score, sc.Level, tc.score, tc.level)
			}
			if len(sc.Results) != 6 {
				t.Errorf("%s: %d results, want 6 (not applicable included)", tc.name, len(sc.Results))
			}
			if want := 5 - len(tc.tags); len(sc.Failing()) != want {
				t.Errorf("%s: %d failing, want %d", tc.name, len(sc.Failing()), want)
			}
		}

		// A waived failure counts as passed for the score and the level.
		ch, err := s.CreateProduct(ctx, admin, tagged("sales", "Waived silver", "b1", "b2", "g", "x"))
		mustOK(t, err, "product")
		w, err := s.RequestWaiver(ctx, admin, "sales", ch.Slug, models.WaiverInput{PolicyID: silver.ID, Reason: "Silver comes next quarter.", ExpiresAt: day(c, 30)})
		mustOK(t, err, "request")
		_, err = s.DecideWaiver(ctx, person(12, "mkt@example.com"), w.ID, models.WaiverDecision{Approve: boolp(true)})
		mustOK(t, err, "approve")
		p := product(t, s, "sales", ch.Slug)
		sc, err := s.ProductScorecard(ctx, p)
		mustOK(t, err, "scorecard")
		if sc.Score == nil || *sc.Score != 100 || sc.Level != "gold" {
			t.Errorf("waived: score %v level %q, want 100 gold", sc.Score, sc.Level)
		}
		if len(sc.Waivers) != 1 || len(sc.History) == 0 || sc.Policies[silver.ID] != "Silver warning" {
			t.Errorf("waivers %d, history %d, names %v", len(sc.Waivers), len(sc.History), sc.Policies)
		}
		// When it ends, the score and level fall back.
		c.Advance(31 * 24 * time.Hour)
		mustOK(t, s.EvaluatePolicies(ctx), "evaluate")
		p = product(t, s, "sales", ch.Slug)
		if p.PolicyScore == nil || *p.PolicyScore != 85 || p.PolicyLevel != "bronze" {
			t.Errorf("after the waiver: score %v level %q, want 85 bronze", p.PolicyScore, p.PolicyLevel)
		}

		// Retiring a policy re-scores: without the gold policy, "Not gold"
		// passes everything that is left.
		var gold models.Policy
		mustOK(t, s.DB().Where("name = ?", "Gold blocking").Take(&gold).Error, "gold")
		_, err = s.RetirePolicy(ctx, admin, gold.ID, "")
		mustOK(t, err, "retire gold")
		p = product(t, s, "sales", "not-gold")
		if p.PolicyScore == nil || *p.PolicyScore != 100 || p.PolicyLevel != "silver" {
			t.Errorf("without gold: score %v level %q, want 100 silver", p.PolicyScore, p.PolicyLevel)
		}

		// A domain with no policy applying has no score.
		_, err = s.RetirePolicy(ctx, admin, bronzeB.ID, "")
		mustOK(t, err, "retire")
		_, err = s.CreateProduct(ctx, admin, tagged("marketing", "Unjudged"))
		mustOK(t, err, "product")
		var all []models.Policy
		mustOK(t, s.DB().Where("state = ?", models.PolicyAdopted).Find(&all).Error, "policies")
		for i := range all {
			_, err := s.RetirePolicy(ctx, admin, all[i].ID, "")
			mustOK(t, err, "retire")
		}
		if p := product(t, s, "marketing", "unjudged"); p.PolicyScore != nil || p.PolicyLevel != "" {
			t.Errorf("with no policy in force: score %v level %q", p.PolicyScore, p.PolicyLevel)
		}
	})
}
