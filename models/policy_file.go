package models

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"
)

// A policies file holds policies as code: `meshport policies export`
// writes one, `meshport policies apply` compares one with the database by
// key and applies the difference.
const (
	PoliciesAPIVersion = "meshport/v1"
	PoliciesKind       = "Policies"
)

// PoliciesFile is a policies file's content.
type PoliciesFile struct {
	APIVersion string        `json:"apiVersion" yaml:"apiVersion"`
	Kind       string        `json:"kind" yaml:"kind"`
	Policies   []PolicyInput `json:"policies" yaml:"policies"`
}

// ExportPolicies returns every policy that is not retired as a policies
// file: global policies first, then by key.
func (s *Store) ExportPolicies(ctx context.Context) (PoliciesFile, error) {
	var ps []Policy
	err := s.db.WithContext(ctx).Preload("Domain").Where("state <> ?", PolicyRetired).Order("scope DESC, key").Find(&ps).Error
	if err != nil {
		return PoliciesFile{}, internal("export policies", err)
	}
	f := PoliciesFile{APIVersion: PoliciesAPIVersion, Kind: PoliciesKind, Policies: make([]PolicyInput, len(ps))}
	for i := range ps {
		f.Policies[i] = ps[i].Input()
	}
	return f, nil
}

// Plan actions.
const (
	PlanAdd       = "add"
	PlanChange    = "change"
	PlanRetire    = "retire"
	PlanUnchanged = "unchanged"
)

// PolicyPlanItem is what applying a policies file does to one policy.
type PolicyPlanItem struct {
	Action string
	Key    string
	// Index is the policy's position in the file (-1 for a retirement).
	Index int
	// Input is the policy as the file says it (add, change, unchanged).
	Input PolicyInput
	// Policy is the stored policy (change, retire, unchanged).
	Policy *Policy
	// Changes are the fields a change changes, before and after.
	Changes []AuditChange
}

// PolicyFileProblem is why one policy of a file cannot be applied.
type PolicyFileProblem struct {
	Index          int // position in the file
	Key            string
	Field, Message string
}

func (p PolicyFileProblem) String() string {
	return fmt.Sprintf("policy %q: %s: %s", p.Key, p.Field, p.Message)
}

// PlanPolicies compares the file's policies with the database by key,
// validating each as a save would (CEL compiled, domains known). Policies
// the file does not name are retired only when prune is set. Nothing is
// written; problems, when there are any, say why the file cannot be
// applied, and the plan is then empty.
func (s *Store) PlanPolicies(ctx context.Context, inputs []PolicyInput, prune bool) ([]PolicyPlanItem, []PolicyFileProblem, error) {
	tx := s.db.WithContext(ctx)
	var stored []Policy
	if err := tx.Preload("Domain").Order("scope DESC, key").Find(&stored).Error; err != nil {
		return nil, nil, internal("plan policies", err)
	}
	byKey := map[string]*Policy{}
	for i := range stored {
		byKey[stored[i].Key] = &stored[i]
	}
	var plan []PolicyPlanItem
	var problems []PolicyFileProblem
	seen := map[string]int{}
	for i, in := range inputs {
		in.Normalize()
		in.State, in.Comment = "", ""
		errs := in.Validate()
		s.policyDomain(tx, &in, errs)
		if j, dup := seen[in.Key]; dup && in.Key != "" {
			errs.Add("key", fmt.Sprintf("The key is used again: policies[%d] has it too.", j))
		}
		seen[in.Key] = i
		pol := byKey[in.Key]
		if pol != nil && !errs.Has("key") {
			switch {
			case pol.State == PolicyRetired:
				errs.Add("key", pol.Name+" with this key is retired; give the policy a new key.")
			case in.Scope != pol.Scope || in.Domain != pol.DomainSlug():
				errs.Add("scope", "A policy's scope and domain cannot change (stored: "+scopeLabel(pol.Scope, pol.DomainSlug())+"); retire it and create another.")
			}
		}
		if len(errs) > 0 {
			for _, field := range sortedKeys(errs) {
				problems = append(problems, PolicyFileProblem{Index: i, Key: in.Key, Field: field, Message: errs[field]})
			}
			continue
		}
		item := PolicyPlanItem{Action: PlanAdd, Key: in.Key, Index: i, Input: in, Policy: pol}
		if pol != nil {
			item.Changes = diffFields(inputFields(pol.Input()), inputFields(in))
			item.Action = PlanChange
			if len(item.Changes) == 0 {
				item.Action = PlanUnchanged
			}
		}
		plan = append(plan, item)
	}
	if len(problems) > 0 {
		return nil, problems, nil
	}
	if prune {
		for i := range stored {
			if _, named := seen[stored[i].Key]; !named && stored[i].State != PolicyRetired {
				plan = append(plan, PolicyPlanItem{Action: PlanRetire, Key: stored[i].Key, Index: -1, Policy: &stored[i]})
			}
		}
	}
	return plan, nil, nil
}

func scopeLabel(scope, domain string) string {
	if scope == ScopeDomain {
		return "domain " + domain
	}
	return scope
}

// inputFields are the fields a policies file may change.
func inputFields(in PolicyInput) map[string]string {
	return map[string]string{"name": in.Name, "description": in.Description, "severity": in.Severity,
		"applies_to": in.AppliesTo, "condition": in.Condition, "rule": in.Rule, "message": in.Message,
		"field": in.Field, "level": in.Level, "enforce_from": in.EnforceFrom}
}

func sortedKeys(errs FieldErrors) []string {
	order := []string{"key", "name", "description", "scope", "domain", "severity", "applies_to", "condition", "rule", "message", "field", "level", "enforce_from"}
	var out []string
	for _, k := range order {
		if _, ok := errs[k]; ok {
			out = append(out, k)
		}
	}
	for k := range errs {
		if !containsString(order, k) {
			out = append(out, k)
		}
	}
	return out
}

func containsString(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}

// UserPrincipal is the principal of the user with this email, acting
// from the command line: `meshport policies apply --as EMAIL`.
func (s *Store) UserPrincipal(ctx context.Context, email string) (Principal, error) {
	email = strings.TrimSpace(email)
	var u User
	err := s.db.WithContext(ctx).Where("lower(email) = ?", strings.ToLower(email)).Order("id").Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Principal{}, Errorf(ENOTFOUND, "There is no user with the email %s; they sign in once first.", truncate(email, 100))
	}
	if err != nil {
		return Principal{}, internal("find user", err)
	}
	p := u.Principal()
	p.Via = "cli"
	return p, nil
}
