package models_test

import (
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/models/policy"
	"github.com/meshport/meshport/models/seed"
	"github.com/meshport/meshport/models/storetest"
)

type facts = policy.Product

// benchPolicies are twelve policies beyond the starter pack's eight, so
// that twenty are in force, each with the Go function that checks the same.
var benchPolicies = []struct {
	in   models.PolicyInput
	twin models.GoPolicy
}{
	{models.PolicyInput{Key: "b-purpose", Condition: "product.status == 'active'", Rule: "size(product.purpose) > 0"},
		models.GoPolicy{Applies: active, Holds: func(p *facts, _ *policy.Domain, _ time.Time) bool { return p.Purpose != "" }}},
	{models.PolicyInput{Key: "b-tagged", Condition: "product.status == 'active'", Rule: "size(product.tags) > 0"},
		models.GoPolicy{Applies: active, Holds: func(p *facts, _ *policy.Domain, _ time.Time) bool { return len(p.Tags) > 0 }}},
	{models.PolicyInput{Key: "b-short-name", Rule: "size(product.name) <= 60"},
		models.GoPolicy{Holds: func(p *facts, _ *policy.Domain, _ time.Time) bool { return utf8.RuneCountInString(p.Name) <= 60 }}},
	{models.PolicyInput{Key: "b-owner-form", Rule: "product.owner.contains('@') || product.owner.startsWith('team-')"},
		models.GoPolicy{Holds: func(p *facts, _ *policy.Domain, _ time.Time) bool {
			return strings.Contains(p.Owner, "@") || strings.HasPrefix(p.Owner, "team-")
		}}},
	{models.PolicyInput{Key: "b-public-no-pii", Condition: "product.classification == 'public'", Rule: "!product.contains_pii"},
		models.GoPolicy{Applies: func(p *facts, _ *policy.Domain, _ time.Time) bool { return p.Classification == "public" },
			Holds: func(p *facts, _ *policy.Domain, _ time.Time) bool { return !p.ContainsPII }}},
	{models.PolicyInput{Key: "b-sla-week", Condition: "product.freshness_sla > duration('0s')", Rule: "product.freshness_sla <= duration('168h')"},
		models.GoPolicy{Applies: hasSLA, Holds: func(p *facts, _ *policy.Domain, _ time.Time) bool { return p.FreshnessSLA <= 168*time.Hour }}},
	{models.PolicyInput{Key: "b-few-ports", Rule: "size(product.output_ports) <= 5"},
		models.GoPolicy{Holds: func(p *facts, _ *policy.Domain, _ time.Time) bool { return len(p.OutputPorts) <= 5 }}},
	{models.PolicyInput{Key: "b-port-names", Rule: "product.output_ports.all(p, p.name == p.name.lowerAscii())"},
		models.GoPolicy{Holds: func(p *facts, _ *policy.Domain, _ time.Time) bool {
			return !slices.ContainsFunc(p.OutputPorts, func(o policy.Port) bool { return o.Name != strings.ToLower(o.Name) })
		}}},
	{models.PolicyInput{Key: "b-columns", Condition: "product.status == 'active'", Rule: "product.output_ports.all(p, !p.crawled || size(p.columns) > 0)"},
		models.GoPolicy{Applies: active, Holds: func(p *facts, _ *policy.Domain, _ time.Time) bool {
			return !slices.ContainsFunc(p.OutputPorts, func(o policy.Port) bool { return o.Crawled && len(o.Columns) == 0 })
		}}},
	{models.PolicyInput{Key: "b-big-read", Rule: "product.output_ports.all(p, p.size_bytes < 10000000000 || p.reads_per_day > 0.0)"},
		models.GoPolicy{Holds: func(p *facts, _ *policy.Domain, _ time.Time) bool {
			return !slices.ContainsFunc(p.OutputPorts, func(o policy.Port) bool { return o.SizeBytes >= 10000000000 && o.ReadsPerDay <= 0 })
		}}},
	{models.PolicyInput{Key: "b-dark-data", Rule: "domain.dark_data_bytes < 1099511627776"},
		models.GoPolicy{Holds: func(_ *facts, d *policy.Domain, _ time.Time) bool { return d.DarkDataBytes < 1<<40 }}},
	{models.PolicyInput{Key: "b-slug", Rule: "product.slug.matches('^[a-z0-9-]+$')"},
		models.GoPolicy{Holds: func(p *facts, _ *policy.Domain, _ time.Time) bool { return slugPattern.MatchString(p.Slug) }}},
}

var slugPattern = regexp.MustCompile(`^[a-z0-9-]+$`)

func active(p *facts, _ *policy.Domain, _ time.Time) bool { return p.Status == models.StatusActive }
func hasSLA(p *facts, _ *policy.Domain, _ time.Time) bool { return p.FreshnessSLA > 0 }

// starterTwins are the starter pack in Go (models/policy_starter.go).
var starterTwins = map[string]models.GoPolicy{
	"owner-named": {Holds: func(p *facts, _ *policy.Domain, _ time.Time) bool { return strings.TrimSpace(p.Owner) != "" }},
	"description-50": {Applies: active, Holds: func(p *facts, _ *policy.Domain, _ time.Time) bool {
		return utf8.RuneCountInString(p.Description) >= 50
	}},
	"pii-classified": {Applies: func(p *facts, _ *policy.Domain, _ time.Time) bool { return p.ContainsPII },
		Holds: func(p *facts, _ *policy.Domain, _ time.Time) bool {
			return p.Classification == "confidential" || p.Classification == "restricted"
		}},
	"freshness-sla": {Applies: active, Holds: func(p *facts, _ *policy.Domain, _ time.Time) bool { return p.FreshnessSLA > 0 }},
	"ports-crawled": {Applies: active, Holds: func(p *facts, _ *policy.Domain, _ time.Time) bool {
		return len(p.OutputPorts) > 0 && !slices.ContainsFunc(p.OutputPorts, func(o policy.Port) bool { return !o.Crawled })
	}},
	"no-gone-ports": {Holds: func(p *facts, _ *policy.Domain, _ time.Time) bool {
		return !slices.ContainsFunc(p.OutputPorts, func(o policy.Port) bool { return o.Gone })
	}},
	"read-in-90-days": {Applies: func(p *facts, _ *policy.Domain, _ time.Time) bool {
		return p.Status == models.StatusActive && p.Health.UsageKnown
	},
		Holds: func(p *facts, _ *policy.Domain, _ time.Time) bool { return p.Health.UnreadFor < 2160*time.Hour }},
	"not-stale-2x": {Applies: hasSLA, Holds: func(p *facts, _ *policy.Domain, _ time.Time) bool { return p.Health.StaleFor <= p.FreshnessSLA }},
}

// governedMesh is the findings benchmark's mesh (10,000 products in 50
// domains, 5,000 with a crawled table) with twenty policies in force.
func governedMesh(b *testing.B, dialect string) (*models.Store, map[string]models.GoPolicy) {
	b.Helper()
	s, _, _ := crawledSource10k(b, dialect)
	twins := map[string]models.GoPolicy{}
	for k, v := range starterTwins {
		twins[k] = v
	}
	for _, p := range benchPolicies {
		in := p.in
		in.Name, in.Scope, in.Severity, in.State = "Bench "+in.Key, models.ScopeGlobal, models.SeverityWarning, models.PolicyAdopted
		if _, err := s.CreatePolicy(ctx, storetest.Admin(), in); err != nil {
			b.Fatal(err)
		}
		twins[in.Key] = p.twin
	}
	if len(twins) != 20 {
		b.Fatalf("%d policies", len(twins))
	}
	return s, twins
}

// outcomes counts the stored results by outcome.
func outcomes(b *testing.B, s *models.Store) map[string]int64 {
	b.Helper()
	var rows []struct {
		Outcome string
		N       int64
	}
	if err := s.DB().Table("policy_results").Select("outcome, count(*) AS n").Group("outcome").Scan(&rows).Error; err != nil {
		b.Fatal(err)
	}
	out := map[string]int64{}
	for _, r := range rows {
		out[r.Outcome] = r.N
	}
	return out
}

// BenchmarkEvaluatePolicies10k judges 10,000 products against 20 policies,
// in CEL (EvaluatePolicies) and with the same checks in Go through the same
// load and storage (EvaluatePoliciesInGo). "unchanged" is the scheduled
// run with nothing to write; "cold" writes all 200,000 results. "eval" is
// the judging alone over facts already in memory.
func BenchmarkEvaluatePolicies10k(b *testing.B) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		b.Run(dialect, func(b *testing.B) {
			s, twins := governedMesh(b, dialect)
			cel := func(b *testing.B) {
				if err := s.EvaluatePolicies(ctx); err != nil {
					b.Fatal(err)
				}
			}
			inGo := func(b *testing.B) {
				if err := s.EvaluatePoliciesInGo(ctx, twins); err != nil {
					b.Fatal(err)
				}
			}
			// The Go twins must say what the CEL policies say, or the
			// comparison is of different work.
			cel(b)
			want := outcomes(b, s)
			inGo(b)
			if got := outcomes(b, s); !mapsEqual(got, want) {
				b.Fatalf("Go twins disagree with CEL: %v, CEL %v", got, want)
			}
			if want["pass"] < 50000 || want["fail"] < 10000 {
				b.Fatalf("too little work to measure: %v", want)
			}
			for _, run := range []struct {
				name string
				fn   func(*testing.B)
			}{{"cel", cel}, {"go", inGo}} {
				b.Run("unchanged/"+run.name, func(b *testing.B) {
					run.fn(b) // settle the messages the other variant wrote
					for b.Loop() {
						run.fn(b)
					}
				})
				b.Run("cold/"+run.name, func(b *testing.B) {
					for b.Loop() {
						b.StopTimer()
						if err := s.DB().Exec("DELETE FROM policy_results").Error; err != nil {
							b.Fatal(err)
						}
						b.StartTimer()
						run.fn(b)
					}
				})
			}
			if dialect != "sqlite" {
				return
			}
			inputs, err := s.PolicyFacts(ctx)
			if err != nil {
				b.Fatal(err)
			}
			pols, err := s.ListPolicies(ctx, models.PolicyFilter{State: models.PolicyAdopted})
			if err != nil {
				b.Fatal(err)
			}
			sort.Slice(pols, func(i, j int) bool { return pols[i].Key < pols[j].Key })
			now := time.Now()
			b.Run("eval/cel", func(b *testing.B) {
				progs := make([]*policy.Compiled, len(pols))
				for i, p := range pols {
					prg, problems := policy.Compile(policy.Spec{Condition: p.Condition, Rule: p.Rule, Message: p.Message})
					if problems != nil {
						b.Fatal(problems)
					}
					progs[i] = prg
				}
				for b.Loop() {
					for _, in := range inputs {
						vars, err := policy.NewVars(in, now)
						if err != nil {
							b.Fatal(err)
						}
						for _, prg := range progs {
							prg.Eval(ctx, vars, "")
						}
					}
				}
			})
			b.Run("eval/go", func(b *testing.B) {
				fns := make([]models.GoPolicy, len(pols))
				for i, p := range pols {
					fns[i] = twins[p.Key]
				}
				for b.Loop() {
					for _, in := range inputs {
						for _, fn := range fns {
							if fn.Applies == nil || fn.Applies(in.Product, in.Domain, now) {
								fn.Holds(in.Product, in.Domain, now)
							}
						}
					}
				}
			})
		})
	}
}

func mapsEqual(a, b map[string]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// BenchmarkProductSaveWithPolicies is one product save (a description
// change of an active product, judged inside its transaction) with no
// policy and with 20 in force, among 10,000 products. It reports the p50
// and p99 of the saves it timed.
func BenchmarkProductSaveWithPolicies(b *testing.B) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		for _, n := range []int{0, 20} {
			b.Run(dialect+"/"+map[int]string{0: "none", 20: "20-policies"}[n], func(b *testing.B) {
				var s *models.Store
				if dialect == "sqlite" {
					s = storetest.SQLite(b)
				} else {
					s = storetest.Postgres(b)
				}
				if n == 0 {
					if err := s.DB().Exec("DELETE FROM policies").Error; err != nil {
						b.Fatal(err)
					}
				} else {
					for _, p := range benchPolicies {
						in := p.in
						in.Name, in.Scope, in.Severity, in.State = "Bench "+in.Key, models.ScopeGlobal, models.SeverityWarning, models.PolicyAdopted
						if _, err := s.CreatePolicy(ctx, storetest.Admin(), in); err != nil {
							b.Fatal(err)
						}
					}
				}
				if err := seed.Bulk(ctx, s, 50, 10000); err != nil {
					b.Fatal(err)
				}
				if err := s.EvaluatePolicies(ctx); err != nil {
					b.Fatal(err)
				}
				prod, err := s.CreateProduct(ctx, storetest.Admin(), models.ProductInput{Name: "Saved often", Domain: "domain-1", Owner: "team-1",
					Description: "A product saved again and again by the benchmark, long enough.", Status: models.StatusActive,
					Classification: models.ClassInternal, Tags: []string{"bench"}, FreshnessSLA: "24h"})
				if err != nil {
					b.Fatal(err)
				}
				var took []time.Duration
				i := 0
				for b.Loop() {
					i++
					start := time.Now()
					_, err := s.PatchProduct(ctx, storetest.Admin(), "domain-1", prod.Slug, func(in *models.ProductInput) error {
						in.Description = "A product saved again and again by the benchmark, version " + strconv.Itoa(i) + "."
						return nil
					})
					took = append(took, time.Since(start))
					if err != nil {
						b.Fatal(err)
					}
				}
				slices.Sort(took)
				b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
				b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
			})
		}
	}
}
