package policy

import (
	"context"
	"strings"
	"testing"
	"time"
)

func sample() Input {
	return Input{
		Product: &Product{
			Name: "Orders", Slug: "orders", Domain: "sales", Owner: "ana@example.com", Description: "short",
			Status: "active", Classification: "public", ContainsPII: true, Tags: []string{"gold"},
			FreshnessSLA: 24 * time.Hour,
			OutputPorts: []Port{{Name: "main", Type: "table", Location: "public.orders", Source: "wh", SourceKind: "postgres",
				Crawled: true, SizeBytes: 42, Rows: 7, Columns: []Column{{Name: "id", Type: "integer"}}, ReadsPerDay: 0.5, UsageKnown: true}},
			Health: Health{Freshness: "stale", StaleFor: 72 * time.Hour},
		},
		Domain: &Domain{Slug: "sales", Name: "Sales", Owners: []string{"ana@example.com"}, DarkDataBytes: 10},
	}
}

func eval(t *testing.T, s Spec) Result {
	t.Helper()
	c, problems := Compile(s)
	if problems != nil {
		t.Fatalf("Compile(%+v): %v", s, problems)
	}
	v, err := NewVars(sample(), time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	return c.Eval(context.Background(), v, "fallback")
}

func TestEvalOutcomes(t *testing.T) {
	cases := []struct {
		name string
		spec Spec
		want Result
	}{
		{"pass", Spec{Rule: "product.owner != ''"}, Result{Outcome: Pass}},
		{"fail with message", Spec{Rule: "size(product.description) >= 50",
			Message: "'description has ' + string(size(product.description)) + ' characters; write at least 50'"},
			Result{Outcome: Fail, Message: "description has 5 characters; write at least 50"}},
		{"fail without message", Spec{Rule: "!product.contains_pii"}, Result{Outcome: Fail, Message: "fallback"}},
		{"condition false", Spec{Condition: "product.status == 'draft'", Rule: "false"}, Result{Outcome: NotApplicable}},
		{"ports and columns", Spec{Rule: "product.output_ports.all(p, p.crawled && p.columns.exists(c, c.name == 'id'))"}, Result{Outcome: Pass}},
		{"durations", Spec{Rule: "product.health.stale_for <= product.freshness_sla"}, Result{Outcome: Fail, Message: "fallback"}},
		{"mixed numbers", Spec{Rule: "product.output_ports.all(p, p.reads_per_day < 1)"}, Result{Outcome: Pass}},
		{"unset time", Spec{Rule: "!has(product.health.last_change)"}, Result{Outcome: Pass}},
		{"now", Spec{Rule: "now > timestamp('2026-01-01T00:00:00Z')"}, Result{Outcome: Pass}},
		{"domain", Spec{Rule: "domain.dark_data_bytes < 5 || product.owner in domain.owners"}, Result{Outcome: Pass}},
		{"runtime error", Spec{Rule: "product.output_ports[3].crawled"}, Result{Outcome: Error}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := eval(t, tc.spec)
			if got.Outcome != tc.want.Outcome || (tc.want.Message != "" && got.Message != tc.want.Message) {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestCompileProblems(t *testing.T) {
	cases := []struct {
		spec       Spec
		part, want string
	}{
		{Spec{Rule: "product.descriptoin != ''"}, "rule", "line 1, column 8: undefined field 'descriptoin'"},
		{Spec{Rule: "product.owner != ''\n  && produt.name != ''"}, "rule", "line 2, column 6: undeclared reference to 'produt'"},
		{Spec{Rule: "product.owner"}, "rule", "line 1, column 1: The rule must give true or false, but this gives a string."},
		{Spec{Rule: "true", Condition: "product.status = 'active'"}, "condition", "line 1, column 16: Syntax error"},
		{Spec{Rule: "true", Message: "size(product.tags)"}, "message", "line 1, column 1: The message must give a string, but this gives an int."},
		{Spec{Rule: " "}, "rule", "Write the rule"},
	}
	for _, tc := range cases {
		_, problems := Compile(tc.spec)
		if !strings.Contains(problems[tc.part], tc.want) {
			t.Errorf("Compile(%+v)[%s] = %q, want it to contain %q", tc.spec, tc.part, problems[tc.part], tc.want)
		}
	}
}

// A rule that would run for minutes is stopped by the cost limit.
func TestCostLimitStopsARunawayRule(t *testing.T) {
	ten := "[0,1,2,3,4,5,6,7,8,9]"
	rule := ten + ".all(a, " + ten + ".all(b, " + ten + ".all(c, " + ten + ".all(d, " + ten + ".all(e, " + ten + ".all(f, a+b+c+d+e+f >= 0))))))"
	start := time.Now()
	got := eval(t, Spec{Rule: rule})
	if got.Outcome != Error || !strings.Contains(got.Message, "cost limit") {
		t.Fatalf("got %+v, want an error naming the cost limit", got)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("stopping took %v", d)
	}
}

func TestDeadlineStopsEvaluation(t *testing.T) {
	c, problems := Compile(Spec{Rule: "[0,1,2,3,4,5,6,7,8,9].all(a, [0,1,2,3,4,5,6,7,8,9].all(b, a+b >= 0))"})
	if problems != nil {
		t.Fatal(problems)
	}
	v, _ := NewVars(sample(), time.Now())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if got := c.Eval(ctx, v, ""); got.Outcome != Error {
		t.Fatalf("got %+v after the deadline, want error", got)
	}
}

func FuzzCompile(f *testing.F) {
	for _, s := range []string{"product.owner != ''", "size(product.description) >= 50", "product.output_ports.all(p, p.crawled)", "'a' + 1", "((("} {
		f.Add(s, "product.status == 'active'", "'x'")
	}
	f.Fuzz(func(t *testing.T, rule, condition, message string) {
		c, problems := Compile(Spec{Rule: rule, Condition: condition, Message: message})
		if (c == nil) == (problems == nil) {
			t.Fatalf("Compile gave both or neither: %v %v", c, problems)
		}
		if c != nil {
			v, _ := NewVars(sample(), time.Now())
			_ = c.Eval(context.Background(), v, "fallback")
		}
	})
}
