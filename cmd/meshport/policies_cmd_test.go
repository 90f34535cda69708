package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/models/policy"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"
)

// policiesApp is a demo portal on a database the policies command can
// open too, on SQLite and on PostgreSQL.
func onEachPoliciesDatabase(t *testing.T, fn func(t *testing.T, app *testApp, dbURL string)) {
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		db := filepath.Join(t.TempDir(), "meshport.db")
		fn(t, newTestAppWithDB(t, db), db)
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		db := "postgres://postgres@127.0.0.1:5432/" + newSourceDatabase(t) + "?sslmode=disable"
		fn(t, newTestAppWithDB(t, db), db)
	})
}

// runPolicies runs "meshport policies ARGS..." and returns its output.
func runPolicies(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errb bytes.Buffer
	err = run(context.Background(), append([]string{"policies"}, args...), &out, &errb)
	return out.String(), errb.String(), err
}

func exportFile(t *testing.T, dbURL string) (string, []byte) {
	t.Helper()
	out, stderr, err := runPolicies(t, "export", "--database-url", dbURL)
	if err != nil {
		t.Fatalf("export: %v %s", err, stderr)
	}
	path := filepath.Join(t.TempDir(), "policies.yaml")
	if err := os.WriteFile(path, []byte(out), 0o600); err != nil {
		t.Fatal(err)
	}
	return path, []byte(out)
}

func writeFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "policies.yaml")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// validateAgainstSchema checks a policies file against docs/policies.schema.json.
func validateAgainstSchema(t *testing.T, data []byte) error {
	t.Helper()
	c := jsonschema.NewCompiler()
	sch, err := c.Compile("../../docs/policies.schema.json")
	if err != nil {
		t.Fatalf("schema: %v", err)
	}
	var doc any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("yaml: %v", err)
	}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return sch.Validate(inst)
}

// addOmar adds the owner of checkout as a user who has signed in, for --as.
func addOmar(t *testing.T, app *testApp) {
	t.Helper()
	if _, err := app.Store.UpsertUser(context.Background(), models.User{Issuer: "meshport-cli", Subject: "omar@example.com",
		Email: "omar@example.com", EmailVerified: true, Name: "Omar"}); err != nil {
		t.Fatal(err)
	}
}

// TestPoliciesFileRoundTrip: an exported file matches the schema, keeps
// enforce_from a day string, and applied back changes nothing.
func TestPoliciesFileRoundTrip(t *testing.T) {
	t.Parallel()
	onEachPoliciesDatabase(t, func(t *testing.T, app *testApp, dbURL string) {
		ctx := context.Background()
		admin := models.Principal{Name: "test", Admin: true, Via: "cli"}
		// A policy with every field set, enforce_from and a multi-line rule among them.
		if _, err := app.Store.CreatePolicy(ctx, admin, models.PolicyInput{Key: "sla-at-most-7d", Name: "SLA at most a week",
			Description: "Fresh enough: \"weekly\" at worst.", Severity: "blocking", EnforceFrom: "2027-01-31", State: "adopted",
			Condition: "product.status == 'active' &&\n  product.freshness_sla > duration('0s')", Rule: "product.freshness_sla <= duration('168h')",
			Message: "'The SLA is ' + string(product.freshness_sla) + ': at most 7d.'", Field: "freshness_sla", Level: "gold"}); err != nil {
			t.Fatal(err)
		}
		if _, err := app.Store.CreatePolicy(ctx, admin, models.PolicyInput{Name: "Logistics ports named", Scope: "domain", Domain: "logistics",
			Rule: "product.output_ports.all(p, size(p.name) > 0)"}); err != nil {
			t.Fatal(err)
		}
		path, data := exportFile(t, dbURL)
		if err := validateAgainstSchema(t, data); err != nil {
			t.Fatalf("exported file does not match the schema: %v\n%s", err, data)
		}
		text := string(data)
		for _, want := range []string{"apiVersion: meshport/v1\n", "kind: Policies\n", "policies:\n", "key: owner-named", `enforce_from: "2027-01-31"`, "domain: logistics"} {
			if !strings.Contains(text, want) {
				t.Errorf("export lacks %q:\n%s", want, text)
			}
		}
		pf, _, err := parsePoliciesFile(data)
		if err != nil {
			t.Fatal(err)
		}
		want, err := app.Store.ExportPolicies(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(pf, want) {
			t.Errorf("parsed file differs from the export:\n%+v\n%+v", pf, want)
		}

		addOmar(t, app)
		before := app.policyCounts(t)
		for _, args := range [][]string{{"--adopt"}, {"--as", "omar@example.com"}, {"--dry-run"}, {}} {
			out, stderr, err := runPolicies(t, append([]string{"apply", "-f", path, "--database-url", dbURL}, args...)...)
			if err != nil || !strings.HasPrefix(out, "no changes") {
				t.Errorf("apply %v: %v\n%s%s", args, err, out, stderr)
			}
		}
		app.assertPoliciesUnchanged(t, before)
	})
}

// TestPoliciesApply: a changed file changes exactly what changed; a dry
// run prints the impact and writes nothing; without --adopt a global
// change is proposed by --as; --prune retires what the file leaves out.
func TestPoliciesApply(t *testing.T) {
	t.Parallel()
	onEachPoliciesDatabase(t, func(t *testing.T, app *testApp, dbURL string) {
		ctx := context.Background()
		addOmar(t, app)
		_, data := exportFile(t, dbURL)
		before, err := app.Store.ExportPolicies(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var pf models.PoliciesFile
		if err := yaml.Unmarshal(data, &pf); err != nil {
			t.Fatal(err)
		}
		for i := range pf.Policies {
			if pf.Policies[i].Key == "description-50" {
				pf.Policies[i].Severity, pf.Policies[i].Rule = "blocking", "size(product.description) >= 40"
			}
		}
		pf.Policies = append(pf.Policies, models.PolicyInput{Key: "purpose-stated", Name: "Purpose stated", Severity: "warning",
			Condition: "product.status == 'active'", Rule: "size(product.purpose) > 0", Message: "'Say what it is for.'"})
		changed, _ := yaml.Marshal(pf)
		path := writeFile(t, string(changed))

		counts := app.policyCounts(t)
		out, stderr, err := runPolicies(t, "apply", "-f", path, "--dry-run", "--database-url", dbURL)
		if err != nil {
			t.Fatalf("dry run: %v %s", err, stderr)
		}
		for _, want := range []string{"+ add purpose-stated (global, warning): Purpose stated", "~ change description-50:",
			`    rule: "size(product.description) >= 50" -> "size(product.description) >= 40"`, `    severity: "warning" -> "blocking"`,
			"impact of purpose-stated: ", "fail checkout/payments: Say what it is for.", "impact of description-50: ", "dry run: nothing was written"} {
			if !strings.Contains(out, want) {
				t.Errorf("dry run lacks %q:\n%s", want, out)
			}
		}
		if strings.Contains(out, "owner-named") {
			t.Errorf("dry run mentions an unchanged policy:\n%s", out)
		}
		app.assertPoliciesUnchanged(t, counts)

		// Without --adopt, by a representative: proposals, nothing in force changes.
		out, stderr, err = runPolicies(t, "apply", "-f", path, "--as", "omar@example.com", "--comment", "From the governance repository.", "--database-url", dbURL)
		if err != nil {
			t.Fatalf("apply as omar: %v %s", err, stderr)
		}
		if !strings.Contains(out, "proposed: add purpose-stated") || !strings.Contains(out, "proposed: change description-50") {
			t.Errorf("apply as omar:\n%s", out)
		}
		if n := app.count(t, "policy_proposals"); n != counts["policy_proposals"]+2 {
			t.Errorf("proposals %d, want %d", n, counts["policy_proposals"]+2)
		}
		if n := app.count(t, "policy_versions"); n != counts["policy_versions"] {
			t.Errorf("versions %d: something was adopted", n)
		}

		// As an admin: adopted at once; exactly those two differ afterwards.
		out, stderr, err = runPolicies(t, "apply", "-f", path, "--adopt", "--database-url", dbURL)
		if err != nil {
			t.Fatalf("apply --adopt: %v %s", err, stderr)
		}
		// purpose-stated is in the file as proposed: unchanged, still proposed
		// (apply compares what policies say, never decides open proposals).
		if !strings.Contains(out, "adopted: description-50 version 2") || strings.Contains(out, "purpose-stated") {
			t.Errorf("apply --adopt:\n%s", out)
		}
		if st, body := app.apiAs(t, "ada@example.com", "admin").call("GET", "/api/v1/policies?state=proposed", nil); st != 200 || !strings.Contains(fmt.Sprint(body), "purpose-stated") {
			t.Errorf("purpose-stated is not proposed: %v", body)
		}
		after, err := app.Store.ExportPolicies(ctx)
		if err != nil {
			t.Fatal(err)
		}
		byKey := func(f models.PoliciesFile) map[string]models.PolicyInput {
			m := map[string]models.PolicyInput{}
			for _, p := range f.Policies {
				m[p.Key] = p
			}
			return m
		}
		b, a := byKey(before), byKey(after)
		if len(a) != len(b)+1 {
			t.Errorf("%d policies after, %d before", len(a), len(b))
		}
		for k, p := range b {
			switch k {
			case "description-50":
				if a[k].Severity != "blocking" || a[k].Rule != "size(product.description) >= 40" || a[k].Message != p.Message {
					t.Errorf("description-50 after: %+v", a[k])
				}
			default:
				if !reflect.DeepEqual(a[k], p) {
					t.Errorf("%s changed:\n%+v\n%+v", k, p, a[k])
				}
			}
		}
		if a["purpose-stated"].Rule != "size(product.purpose) > 0" {
			t.Errorf("purpose-stated: %+v", a["purpose-stated"])
		}
		if out, _, err := runPolicies(t, "apply", "-f", path, "--adopt", "--database-url", dbURL); err != nil || !strings.HasPrefix(out, "no changes") {
			t.Errorf("applied twice: %v\n%s", err, out)
		}

		// A file without a policy leaves it alone; with --prune it is retired.
		var short models.PoliciesFile
		_ = yaml.Unmarshal(changed, &short)
		for i := range short.Policies {
			if short.Policies[i].Key == "purpose-stated" {
				short.Policies = append(short.Policies[:i], short.Policies[i+1:]...)
				break
			}
		}
		shortData, _ := yaml.Marshal(short)
		shortPath := writeFile(t, string(shortData))
		if out, _, err := runPolicies(t, "apply", "-f", shortPath, "--adopt", "--database-url", dbURL); err != nil || !strings.HasPrefix(out, "no changes") {
			t.Errorf("without --prune: %v\n%s", err, out)
		}
		out, stderr, err = runPolicies(t, "apply", "-f", shortPath, "--adopt", "--prune", "--database-url", dbURL)
		if err != nil || !strings.Contains(out, "- retire purpose-stated: Purpose stated") || !strings.Contains(out, "retired: purpose-stated") {
			t.Errorf("--prune: %v\n%s%s", err, out, stderr)
		}
	})
}

// TestPoliciesApplyRefusals: a file that cannot be applied is refused
// with where and why, and writes nothing.
func TestPoliciesApplyRefusals(t *testing.T) {
	t.Parallel()
	onEachPoliciesDatabase(t, func(t *testing.T, app *testApp, dbURL string) {
		head := "apiVersion: meshport/v1\nkind: Policies\npolicies:\n"
		good := "  - key: tagged\n    name: Tagged\n    rule: size(product.tags) > 0\n"
		for _, tc := range []struct {
			name, file string
			args       []string
			want       []string // in the error or on stderr
		}{
			{"CEL syntax error", head + good + "  - key: purpose\n    name: Purpose\n    rule: size(product.purpose) >\n", nil,
				[]string{`policies.yaml:9: policy "purpose", rule: line 1, column 24: Syntax error`, "1 problem; nothing was applied"}},
			{"CEL type error in a message", head + "  - key: named\n    name: Named\n    rule: \"true\"\n    message: product.nosuch\n", nil,
				[]string{`:7: policy "named", message: line 1, column`}},
			{"rule not true or false", head + "  - key: named\n    name: Named\n    rule: product.name\n", nil,
				[]string{`:6: policy "named", rule: line 1, column 1: The rule must give true or false`}},
			{"unknown domain", head + "  - key: mine\n    name: Mine\n    domain: nowhere\n    rule: \"true\"\n", nil,
				[]string{`policy "mine", domain: There is no domain`}},
			{"key used twice", head + good + good, nil, []string{`policy "tagged", key: The key is used again`}},
			{"scope change", head + "  - key: owner-named\n    name: Owner named\n    scope: domain\n    domain: checkout\n    rule: \"true\"\n", nil,
				[]string{`policy "owner-named", scope: A policy's scope and domain cannot change`}},
			{"enforce_from not a day", head + "  - key: soon\n    name: Soon\n    severity: blocking\n    enforce_from: next week\n    rule: \"true\"\n", nil,
				[]string{`:7: policy "soon", enforce_from: Give a day as 2027-01-31.`}},
			{"unknown field", head + good + "    priority: 1\n", nil, []string{"line 7: field priority not found"}},
			{"unknown top-level field", head + good + "extra: 1\n", nil, []string{"field extra not found"}},
			{"bad YAML", head + "  - key: [unclosed\n", nil, []string{"not a policies file"}},
			{"wrong kind", "apiVersion: meshport/v1\nkind: Products\npolicies: []\n", nil, []string{`kind is "Products"; a policies file says kind: Policies`}},
			{"wrong apiVersion", "apiVersion: v2\nkind: Policies\npolicies: []\n", nil, []string{`apiVersion is "v2"`}},
			{"empty file", "", nil, []string{"the file is empty"}},
			{"two documents", head + good + "---\n" + head, nil, []string{"more than one YAML document"}},
			{"a list instead of a map", "- 1\n", nil, []string{"not a policies file"}},
			{"unknown user", head + good, []string{"--as", "nobody@example.com"}, []string{"There is no user with the email nobody@example.com"}},
			{"no principal", head + good, []string{}, []string{"say who proposes the changes with --as EMAIL"}},
			{"represents no domain", head + good, []string{"--as", "vera@example.com"}, []string{"add tagged: ", "you represent no domain", "0 changes before it applied"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if tc.name == "represents no domain" {
					if _, err := app.Store.UpsertUser(context.Background(), models.User{Issuer: "meshport-cli", Subject: "vera@example.com",
						Email: "vera@example.com", EmailVerified: true, Name: "Vera"}); err != nil {
						t.Fatal(err)
					}
				}
				path := writeFile(t, tc.file)
				before := app.policyCounts(t)
				args := tc.args
				if args == nil {
					args = []string{"--adopt"}
				}
				for _, dry := range []bool{true, false} {
					a := append([]string{"apply", "-f", path, "--database-url", dbURL}, args...)
					if dry {
						if len(args) == 0 || args[0] == "--as" {
							continue // only the writes need someone
						}
						a = append(a, "--dry-run")
					}
					out, stderr, err := runPolicies(t, a...)
					if err == nil {
						t.Fatalf("accepted (dry run %v):\n%s", dry, out)
					}
					got := err.Error() + "\n" + stderr
					for _, w := range tc.want {
						if !strings.Contains(got, w) {
							t.Errorf("dry run %v: %q lacks %q", dry, got, w)
						}
					}
					if tc.args == nil && !strings.Contains(got, path) {
						t.Errorf("the refusal does not name the file: %q", got)
					}
				}
				app.assertPoliciesUnchanged(t, before)
			})
		}
	})
}

// TestPoliciesCommandUsage: the command says how to use it and needs
// only the database.
func TestPoliciesCommandUsage(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{}, {"import"}} {
		if _, _, err := runPolicies(t, args...); err == nil || !strings.Contains(err.Error(), "usage: meshport policies export") {
			t.Errorf("%v: %v", args, err)
		}
	}
	db := filepath.Join(t.TempDir(), "empty.db")
	if _, _, err := runPolicies(t, "apply", "--database-url", db); err == nil || !strings.Contains(err.Error(), "-f policies.yaml") {
		t.Errorf("apply without -f: %v", err)
	}
	// A fresh database: migrated, with the starter pack, and no secret key or sign-in settings needed.
	out, stderr, err := runPolicies(t, "export", "--database-url", db)
	if err != nil || strings.Count(out, "  - key: ") != 8 {
		t.Errorf("export of a fresh database: %v %s\n%s", err, stderr, out)
	}
}

// FuzzParsePoliciesFile: the parser never panics, and what it accepts
// survives writing and reading back.
func FuzzParsePoliciesFile(f *testing.F) {
	f.Add([]byte("apiVersion: meshport/v1\nkind: Policies\npolicies:\n  - key: a\n    name: A\n    rule: \"true\"\n    enforce_from: 2027-01-31\n"))
	f.Add([]byte("apiVersion: meshport/v1\nkind: Policies\npolicies: []\n"))
	f.Add([]byte("apiVersion: meshport/v1\nkind: Policies\npolicies:\n  - {key: b, name: B, rule: 'product.name == \"x\"', priority: 1}\n"))
	f.Add([]byte("- 1\n"))
	f.Add([]byte("a: &a [*a]\n"))
	f.Add([]byte("---\n---\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		pf, lines, err := parsePoliciesFile(data)
		if err != nil {
			return
		}
		if len(lines) != len(pf.Policies) {
			t.Fatalf("%d lines for %d policies", len(lines), len(pf.Policies))
		}
		for i := range pf.Policies {
			_ = lines.of(i, "rule")
		}
		out, err := yaml.Marshal(pf)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		again, _, err := parsePoliciesFile(out)
		if err != nil {
			t.Fatalf("written back, the file is refused: %v\n%s", err, out)
		}
		if len(again.Policies) != len(pf.Policies) {
			t.Fatalf("round trip: %d policies, then %d", len(pf.Policies), len(again.Policies))
		}
		for i := range pf.Policies {
			if !reflect.DeepEqual(again.Policies[i], pf.Policies[i]) {
				t.Fatalf("round trip changed policy %d:\n%+v\n%+v", i, pf.Policies[i], again.Policies[i])
			}
		}
	})
}

// docsPolicies is docs/policies.md.
func docsPolicies(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../../docs/policies.md")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// fenced returns the contents of the doc's code blocks of one language.
func fenced(doc, lang string) []string {
	var out []string
	parts := strings.Split(doc, "```"+lang+"\n")
	for _, p := range parts[1:] {
		if end := strings.Index(p, "```"); end >= 0 {
			out = append(out, p[:end])
		}
	}
	return out
}

// TestPoliciesDocObjectModel: every example of docs/policies.md's object
// model type-checks in the policies' CEL environment, and the documented
// fields are exactly the model's.
func TestPoliciesDocObjectModel(t *testing.T) {
	t.Parallel()
	doc := docsPolicies(t)
	documented := map[string]bool{}
	for _, line := range strings.Split(doc, "\n") {
		cells := strings.Split(strings.ReplaceAll(line, `\|`, "\x00"), "|")
		if len(cells) != 5 {
			continue
		}
		name := strings.Trim(strings.TrimSpace(cells[1]), "`")
		if !strings.HasPrefix(name, "product.") && !strings.HasPrefix(name, "p.") && !strings.HasPrefix(name, "domain.") && name != "now" {
			continue
		}
		documented[name] = true
		example := strings.ReplaceAll(strings.Trim(strings.TrimSpace(cells[3]), "`"), "\x00", "|")
		if _, problems := policy.Compile(policy.Spec{Rule: example}); problems != nil {
			t.Errorf("%s: example %q: %v", name, example, problems)
		}
	}
	var want []string
	var walk func(prefix string, typ reflect.Type)
	walk = func(prefix string, typ reflect.Type) {
		for i := range typ.NumField() {
			f := typ.Field(i)
			name := prefix + f.Tag.Get("cel")
			want = append(want, name)
			switch {
			case f.Type.Kind() == reflect.Struct && f.Type.PkgPath() == typ.PkgPath():
				walk(name+".", f.Type)
			case f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() == reflect.Struct:
				if f.Type.Elem() == reflect.TypeFor[policy.Port]() {
					walk("p.", f.Type.Elem())
				} else {
					walk(strings.TrimSuffix(prefix, ".")+"."+f.Tag.Get("cel")+"[].", f.Type.Elem())
				}
			}
		}
	}
	walk("product.", reflect.TypeFor[policy.Product]())
	walk("domain.", reflect.TypeFor[policy.Domain]())
	want = append(want, "now")
	for _, name := range want {
		if !documented[name] {
			t.Errorf("docs/policies.md does not document %s", name)
		}
		delete(documented, name)
	}
	for name := range documented {
		t.Errorf("docs/policies.md documents %s, which the object model does not have", name)
	}
}

// TestPoliciesDocStarterPack: the starter pack's table says what the
// starter policies say.
func TestPoliciesDocStarterPack(t *testing.T) {
	t.Parallel()
	doc := docsPolicies(t)
	out, stderr, err := runPolicies(t, "export", "--database-url", filepath.Join(t.TempDir(), "fresh.db"))
	if err != nil {
		t.Fatalf("%v %s", err, stderr)
	}
	pf, _, err := parsePoliciesFile([]byte(out))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pf.Policies {
		cond := ""
		if p.Condition != "" {
			cond = "`" + p.Condition + "`"
		}
		row := fmt.Sprintf("| `%s` | %s | %s | %s | `%s` |", p.Key, p.Severity, p.Level, cond, p.Rule)
		row = strings.ReplaceAll(row, "|  |", "| |")
		if !strings.Contains(doc, row) {
			t.Errorf("docs/policies.md lacks the starter row\n%s", row)
		}
	}
}

// TestPoliciesDocCommands runs the documented commands (bin/meshport as
// run, files in a temporary directory) on a demo database, and checks the
// documented example file against the schema and the portal.
func TestPoliciesDocCommands(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "meshport.db")
	newTestAppWithDB(t, db)
	doc := docsPolicies(t)
	var ran int
	for _, block := range fenced(doc, "sh") {
		for _, line := range strings.Split(strings.TrimSpace(block), "\n") {
			if !strings.HasPrefix(line, "bin/meshport policies ") {
				continue
			}
			redirect := ""
			if i := strings.Index(line, " > "); i >= 0 {
				line, redirect = line[:i], strings.TrimSpace(line[i+3:])
			}
			args := strings.Fields(strings.TrimPrefix(line, "bin/meshport policies "))
			for i, a := range args {
				if a == "meshport.db" || a == "policies.yaml" {
					args[i] = filepath.Join(dir, a)
				}
			}
			out, stderr, err := runPolicies(t, args...)
			if err != nil {
				t.Errorf("%s: %v %s", line, err, stderr)
			}
			if redirect != "" {
				if err := os.WriteFile(filepath.Join(dir, redirect), []byte(out), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			ran++
		}
	}
	if ran != 3 {
		t.Errorf("ran %d documented commands", ran)
	}
	files := fenced(doc, "yaml")
	if len(files) != 1 {
		t.Fatalf("%d example files", len(files))
	}
	if err := validateAgainstSchema(t, []byte(files[0])); err != nil {
		t.Errorf("the documented file does not match the schema: %v", err)
	}
	path := writeFile(t, files[0])
	out, stderr, err := runPolicies(t, "apply", "-f", path, "--dry-run", "--database-url", db)
	if err != nil || !strings.Contains(out, "+ add purpose-stated (global, blocking): Purpose stated") ||
		!strings.Contains(out, "+ add checkout-tagged (domain checkout, warning)") {
		t.Errorf("the documented file: %v\n%s%s", err, out, stderr)
	}
}

// TestPoliciesSchemaRefuses: the schema is not a formality.
func TestPoliciesSchemaRefuses(t *testing.T) {
	t.Parallel()
	head := "apiVersion: meshport/v1\nkind: Policies\npolicies:\n"
	for _, bad := range []string{
		"apiVersion: meshport/v2\nkind: Policies\npolicies: []\n",
		head + "  - name: X\n",
		head + "  - name: X\n    rule: \"true\"\n    priority: 1\n",
		head + "  - name: X\n    rule: \"true\"\n    scope: domain\n",
		head + "  - name: X\n    rule: \"true\"\n    severity: blocking\n    enforce_from: tomorrow\n",
		head + "  - name: X\n    rule: \"true\"\n    enforce_from: \"2027-01-31\"\n",
		head + "  - key: Not A Slug\n    name: X\n    rule: \"true\"\n",
	} {
		if err := validateAgainstSchema(t, []byte(bad)); err == nil {
			t.Errorf("the schema accepts\n%s", bad)
		}
	}
}
