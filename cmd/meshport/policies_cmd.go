package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/meshport/meshport/models"
	"go.yaml.in/yaml/v3"
)

// policiesUsage is the policies command's synopsis.
const policiesUsage = `usage: meshport policies export [--database-url URL]
       meshport policies apply -f FILE [--dry-run] [--adopt] [--as EMAIL] [--prune] [--comment TEXT] [--database-url URL]`

// policiesCmd is "meshport policies export|apply": policies as code. It
// opens only the database: no secret key, no sign-in settings.
//
// The YAML is read with go.yaml.in/yaml/v3 (the YAML organisation's
// continuation of gopkg.in/yaml.v3, already in the module graph): decoding
// into a string field keeps an unquoted 2027-01-31 as that text, and
// KnownFields refuses fields the file format does not have.
func policiesCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "export" && args[0] != "apply") {
		return errors.New(policiesUsage)
	}
	sub, args := args[0], args[1:]
	var cfg Config
	fs := newFlagSet("policies "+sub, stderr)
	registerConfig(fs, &cfg)
	var file, as, comment string
	var dryRun, adopt, prune bool
	if sub == "apply" {
		fs.StringVar(&file, "f", "", "the policies file to apply (- for standard input)")
		fs.BoolVar(&dryRun, "dry-run", false, "print the difference and each changed policy's impact on current data; write nothing")
		fs.BoolVar(&adopt, "adopt", false, "act as an admin: global changes are adopted at once instead of proposed")
		fs.StringVar(&as, "as", "", "email of the user who proposes the changes (needed without --adopt; the user must have signed in once)")
		fs.BoolVar(&prune, "prune", false, "retire the policies the file does not name (default: leave them alone)")
		fs.StringVar(&comment, "comment", "", "explains the proposals to the voters")
	}
	if err := parseConfig(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q\n%s", fs.Arg(0), policiesUsage)
	}
	var pf models.PoliciesFile
	var lines policyLines
	if sub == "apply" {
		if file == "" {
			return fmt.Errorf("give the policies file: -f policies.yaml")
		}
		data, err := readPoliciesFile(file)
		if err != nil {
			return err
		}
		if pf, lines, err = parsePoliciesFile(data); err != nil {
			return fmt.Errorf("%s: %w; nothing was applied", file, err)
		}
	}
	store, err := openMigrated(ctx, cfg, cfg.storeOptions(nil, models.SourcePolicy{}, nil))
	if err != nil {
		return err
	}
	defer store.Close()
	if sub == "export" {
		out, err := exportPolicies(ctx, store)
		if err != nil {
			return err
		}
		_, err = stdout.Write(out)
		return err
	}
	var p models.Principal
	if as != "" {
		if p, err = store.UserPrincipal(ctx, as); err != nil {
			return fmt.Errorf("--as: %s", describeError(err))
		}
	}
	if adopt {
		if as == "" {
			p = models.Principal{Name: "meshport policies apply", Via: "cli"}
		}
		p.Admin, p.ReadOnly = true, false
	}
	return applyPolicies(ctx, store, p, pf, lines, applyOptions{file: file, dryRun: dryRun, adopt: adopt, prune: prune, comment: comment}, stdout, stderr)
}

func readPoliciesFile(name string) ([]byte, error) {
	if name == "-" {
		return io.ReadAll(os.Stdin)
	}
	return os.ReadFile(name)
}

// exportPolicies writes every policy that is not retired as a policies file.
func exportPolicies(ctx context.Context, store *models.Store) ([]byte, error) {
	pf, err := store.ExportPolicies(ctx)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	buf.WriteString("# meshport policies file (docs/policies.md); apply with: meshport policies apply -f FILE\n")
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(pf); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// policyLines holds, per policy of a file, the line of the policy and of
// each of its fields, so problems point into the file.
type policyLines []struct {
	at     int
	fields map[string]int
}

func (l policyLines) of(index int, field string) int {
	if index < 0 || index >= len(l) {
		return 0
	}
	if n, ok := l[index].fields[field]; ok {
		return n
	}
	return l[index].at
}

// parsePoliciesFile reads one YAML document: apiVersion meshport/v1, kind
// Policies, and a list of policies with only the fields a policy has.
func parsePoliciesFile(data []byte) (models.PoliciesFile, policyLines, error) {
	var pf models.PoliciesFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&pf); err != nil {
		if errors.Is(err, io.EOF) {
			return pf, nil, errors.New("the file is empty; it needs apiVersion: " + models.PoliciesAPIVersion + ", kind: " + models.PoliciesKind + " and policies")
		}
		return pf, nil, fmt.Errorf("not a policies file: %s", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return pf, nil, errors.New("the file has more than one YAML document; put every policy in one")
	}
	switch {
	case pf.APIVersion != models.PoliciesAPIVersion:
		return pf, nil, fmt.Errorf("apiVersion is %q; a policies file says apiVersion: %s", pf.APIVersion, models.PoliciesAPIVersion)
	case pf.Kind != models.PoliciesKind:
		return pf, nil, fmt.Errorf("kind is %q; a policies file says kind: %s", pf.Kind, models.PoliciesKind)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return pf, nil, fmt.Errorf("not a policies file: %s", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	lines := make(policyLines, len(pf.Policies))
	if len(root.Content) == 1 && root.Content[0].Kind == yaml.MappingNode {
		m := root.Content[0]
		for i := 0; i+1 < len(m.Content); i += 2 {
			if m.Content[i].Value != "policies" || m.Content[i+1].Kind != yaml.SequenceNode {
				continue
			}
			for j, item := range m.Content[i+1].Content {
				if j >= len(lines) {
					break
				}
				lines[j].at, lines[j].fields = item.Line, map[string]int{}
				for k := 0; k+1 < len(item.Content); k += 2 {
					lines[j].fields[item.Content[k].Value] = item.Content[k+1].Line
				}
			}
		}
	}
	return pf, lines, nil
}

type applyOptions struct {
	file                 string
	dryRun, adopt, prune bool
	comment              string
}

// applyPolicies prints the difference between the file and the database,
// then, unless a dry run, applies it: adds, changes and (with --prune)
// retirements, each in its own transaction, in the file's order. Every
// policy is validated before the first write, so a file with a mistake
// writes nothing.
func applyPolicies(ctx context.Context, store *models.Store, p models.Principal, pf models.PoliciesFile, lines policyLines,
	opt applyOptions, stdout, stderr io.Writer) error {
	plan, problems, err := store.PlanPolicies(ctx, pf.Policies, opt.prune)
	if err != nil {
		return err
	}
	if len(problems) > 0 {
		for _, pr := range problems {
			fmt.Fprintf(stderr, "%s:%d: policy %q, %s: %s\n", opt.file, lines.of(pr.Index, pr.Field), pr.Key, pr.Field, pr.Message)
		}
		return fmt.Errorf("%s: %d %s; nothing was applied", opt.file, len(problems), plural(len(problems), "problem", "problems"))
	}
	unchanged := 0
	for _, it := range plan {
		switch it.Action {
		case models.PlanUnchanged:
			unchanged++
		case models.PlanAdd:
			fmt.Fprintf(stdout, "+ add %s (%s, %s): %s\n", it.Key, scopeText(it.Input), it.Input.Severity, it.Input.Name)
		case models.PlanChange:
			fmt.Fprintf(stdout, "~ change %s:\n", it.Key)
			for _, c := range it.Changes {
				fmt.Fprintf(stdout, "    %s: %q -> %q\n", c.Field, c.Before, c.After)
			}
		case models.PlanRetire:
			fmt.Fprintf(stdout, "- retire %s: %s\n", it.Key, it.Policy.Name)
		}
	}
	if unchanged == len(plan) {
		fmt.Fprintf(stdout, "no changes (%d %s)\n", unchanged, plural(unchanged, "policy", "policies"))
		return nil
	}
	if unchanged > 0 {
		fmt.Fprintf(stdout, "= %d unchanged\n", unchanged)
	}
	if opt.dryRun {
		for _, it := range plan {
			if it.Action != models.PlanAdd && it.Action != models.PlanChange {
				continue
			}
			imp, err := store.DryRun(ctx, it.Input)
			if err != nil {
				return fmt.Errorf("dry run of %s: %w", it.Key, err)
			}
			fmt.Fprintf(stdout, "impact of %s: %d pass, %d fail, %d error, %d not applicable\n", it.Key, imp.Pass, imp.Fail, imp.Error, imp.NotApplicable)
			for _, d := range imp.Domains {
				for _, f := range d.Failing {
					fmt.Fprintf(stdout, "    %s %s/%s: %s\n", f.Outcome, f.Domain, f.Slug, f.Message)
				}
			}
		}
		fmt.Fprintln(stdout, "dry run: nothing was written")
		return nil
	}
	if !p.SignedIn() {
		return errors.New("say who proposes the changes with --as EMAIL, or adopt them at once as an admin with --adopt; nothing was applied")
	}
	applied := 0
	for _, it := range plan {
		var ch models.PolicyChange
		var verb string
		in := it.Input
		in.Comment = opt.comment
		if opt.adopt {
			in.State = models.PolicyAdopted
		}
		switch it.Action {
		case models.PlanAdd:
			verb = "add"
			ch, err = store.CreatePolicy(ctx, p, in)
		case models.PlanChange:
			verb = "change"
			ch, err = store.ChangePolicy(ctx, p, it.Policy.ID, func(cur *models.PolicyInput) error { *cur = in; return nil })
		case models.PlanRetire:
			verb = "retire"
			ch, err = store.RetirePolicy(ctx, p, it.Policy.ID, opt.comment)
		default:
			continue
		}
		if err != nil {
			return fmt.Errorf("%s %s: %s (%d %s before it applied)", verb, it.Key, describeError(err), applied, plural(applied, "change", "changes"))
		}
		applied++
		switch {
		case ch.Proposal != nil:
			fmt.Fprintf(stdout, "proposed: %s %s (proposal %d; the domains' representatives vote on it)\n", verb, it.Key, ch.Proposal.ID)
		case ch.Policy != nil && ch.Policy.State == models.PolicyRetired:
			fmt.Fprintf(stdout, "retired: %s\n", it.Key)
		case ch.Policy != nil:
			fmt.Fprintf(stdout, "adopted: %s version %d\n", it.Key, ch.Policy.Version)
		}
	}
	return nil
}

func scopeText(in models.PolicyInput) string {
	if in.Scope == models.ScopeDomain {
		return "domain " + in.Domain
	}
	return in.Scope
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// describeError is a store error with its field messages.
func describeError(err error) string {
	var e *models.Error
	if !errors.As(err, &e) {
		return err.Error()
	}
	parts := []string{e.Message}
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		parts = append(parts, k+": "+e.Fields[k])
	}
	return strings.Join(parts, "; ")
}
