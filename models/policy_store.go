package models

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Represents reports whether the principal votes for d on global policies:
// listed among its representatives, or among its owners when it names none.
func (p Principal) Represents(d *Domain) bool {
	if len(d.Representatives) > 0 {
		return p.listedIn(d.Representatives)
	}
	return p.Owns(d)
}

// PolicyChange is what a create, change or retire did: the policy, and
// the proposal it opened when the change must first be decided.
type PolicyChange struct {
	Policy   *Policy
	Proposal *PolicyProposal
}

// CreatePolicy adds a policy. A domain policy, made by the domain's owners
// or an admin, is adopted at once. A global one becomes a proposal, unless
// an admin asks for state adopted.
func (s *Store) CreatePolicy(ctx context.Context, p Principal, in PolicyInput) (PolicyChange, error) {
	var out PolicyChange
	err := s.writeCatalog(ctx, func(tx *gorm.DB) error {
		in.Normalize()
		errs := in.Validate()
		domain := s.policyDomain(tx, &in, errs)
		var n int64
		if !errs.Has("key") {
			if err := tx.Model(&Policy{}).Where("key = ?", in.Key).Count(&n).Error; err != nil {
				return err
			}
			if n > 0 {
				errs.Add("key", "Another policy already uses this key.")
			}
		}
		if err := errs.Err(); err != nil {
			return err
		}
		direct, err := s.mayDecideDirectly(tx, p, in.Scope, domain, in.State, "make")
		if err != nil {
			return err
		}
		pol := &Policy{Key: in.Key, Scope: in.Scope, PolicySpec: in.spec(), State: PolicyProposed, CreatedBy: truncate(p.Label(), 299)}
		if domain != nil {
			pol.DomainID, pol.Domain = &domain.ID, domain
		}
		if err := tx.Omit(clause.Associations).Create(pol).Error; err != nil {
			return err
		}
		out.Policy = pol
		if !direct {
			if out.Proposal, err = s.propose(tx, p, pol, ActionCreate, pol.PolicySpec, in.Comment); err != nil {
				return err
			}
			return indexPolicies(tx, s.now(), []uint{pol.ID}) // a proposed policy can be found too
		}
		return s.adopt(tx, p, pol, pol.PolicySpec, nil, true)
	})
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return out, &Error{Code: ECONFLICT, Message: "Another policy already uses this key.", Fields: FieldErrors{"key": "Another policy already uses this key."}}
	}
	return out, internal("create policy", err)
}

// ChangePolicy applies change to the policy's current input. Domain
// policies change at once; a global one's change becomes a proposal unless
// an admin asks for state adopted.
func (s *Store) ChangePolicy(ctx context.Context, p Principal, id uint, change func(*PolicyInput) error) (PolicyChange, error) {
	var out PolicyChange
	err := s.writeCatalog(ctx, func(tx *gorm.DB) error {
		pol, err := getPolicy(tx, id)
		if err != nil {
			return err
		}
		if pol.State == PolicyRetired {
			return Errorf(ECONFLICT, "%s is retired and cannot change; create a new policy instead.", pol.Name)
		}
		in := pol.Input()
		if err := change(&in); err != nil {
			return err
		}
		in.Normalize()
		errs := in.Validate()
		if in.Key != pol.Key {
			errs.Add("key", "A policy's key cannot change.")
		}
		if in.Scope != pol.Scope || in.Domain != pol.DomainSlug() {
			errs.Add("scope", "A policy's scope and domain cannot change; retire it and create another.")
		}
		if err := errs.Err(); err != nil {
			return err
		}
		out.Policy = pol
		spec := in.spec()
		direct, err := s.mayDecideDirectly(tx, p, pol.Scope, pol.Domain, in.State, "change")
		if err != nil {
			return err
		}
		if spec.equal(pol.PolicySpec) && pol.State == PolicyAdopted {
			return nil // nothing to decide
		}
		if !direct {
			action := ActionChange
			if pol.State != PolicyAdopted {
				action = ActionCreate // proposing again what was rejected
			}
			out.Proposal, err = s.propose(tx, p, pol, action, spec, in.Comment)
			return err
		}
		if err := withdrawOpen(tx, pol.ID, p, s.now(), "Superseded by a direct change."); err != nil {
			return err
		}
		return s.adopt(tx, p, pol, spec, nil, true)
	})
	return out, internal("change policy", err)
}

// RetirePolicy takes a policy out of force: at once for a domain policy
// (or an admin's), by proposal for anyone else's global one. A policy that
// was only ever proposed is withdrawn by its proposer or an admin.
func (s *Store) RetirePolicy(ctx context.Context, p Principal, id uint, comment string) (PolicyChange, error) {
	var out PolicyChange
	err := s.writeCatalog(ctx, func(tx *gorm.DB) error {
		pol, err := getPolicy(tx, id)
		if err != nil {
			return err
		}
		out.Policy = pol
		switch pol.State {
		case PolicyRetired:
			// Nothing to do, but only for someone who could have done it.
			if p.ReadOnly || !p.Admin && p.Label() != pol.CreatedBy && !(pol.Scope == ScopeDomain && pol.Domain != nil && p.CanManageProducts(pol.Domain)) &&
				!(pol.Scope == ScopeGlobal && s.canPropose(tx, p)) {
				return Errorf(EFORBIDDEN, "You cannot retire %s.", pol.Name)
			}
			return nil
		case PolicyProposed, PolicyRejected:
			if p.ReadOnly {
				return Errorf(EFORBIDDEN, "This token may only read.")
			}
			if !p.Admin && p.Label() != pol.CreatedBy && (pol.Domain == nil || !p.CanManageProducts(pol.Domain)) {
				return Errorf(EFORBIDDEN, "Only the proposer or an admin can withdraw %s.", pol.Name)
			}
			if err := withdrawOpen(tx, pol.ID, p, s.now(), "Withdrawn."); err != nil {
				return err
			}
			return s.retire(tx, p, pol)
		}
		direct, err := s.mayDecideDirectly(tx, p, pol.Scope, pol.Domain, PolicyAdopted, "retire")
		if err != nil && (pol.Scope == ScopeDomain || ErrorCode(err) != EFORBIDDEN || !s.canPropose(tx, p)) {
			return err
		}
		if !direct {
			out.Proposal, err = s.propose(tx, p, pol, ActionRetire, pol.PolicySpec, comment)
			return err
		}
		if err := withdrawOpen(tx, pol.ID, p, s.now(), "Superseded: the policy was retired."); err != nil {
			return err
		}
		return s.retire(tx, p, pol)
	})
	return out, internal("retire policy", err)
}

// policyDomain resolves a domain policy's domain into errs.
func (s *Store) policyDomain(tx *gorm.DB, in *PolicyInput, errs FieldErrors) *Domain {
	if in.Scope != ScopeDomain || in.Domain == "" {
		return nil
	}
	d, err := getDomain(tx, in.Domain)
	if err != nil {
		errs.Add("domain", "There is no domain \u201c"+truncate(in.Domain, 63)+"\u201d.")
		return nil
	}
	return d
}

// mayDecideDirectly says whether p's change takes effect at once (true) or
// is proposed (false), or why p may do neither.
func (s *Store) mayDecideDirectly(tx *gorm.DB, p Principal, scope string, domain *Domain, state, verb string) (bool, error) {
	if p.ReadOnly {
		return false, Errorf(EFORBIDDEN, "This token may only read.")
	}
	if scope == ScopeDomain {
		if domain == nil || !p.CanManageProducts(domain) {
			name := "the domain"
			if domain != nil {
				name = domain.Name
			}
			return false, Errorf(EFORBIDDEN, "Only admins and the owners of %s can %s its policies.", name, verb)
		}
		return true, nil
	}
	if state == PolicyAdopted {
		if !p.Admin {
			return false, Errorf(EFORBIDDEN, "Only an admin can %s a global policy directly; the domains decide the rest. Leave state empty to propose it.", verb)
		}
		return true, nil
	}
	if !p.Admin && !s.canPropose(tx, p) {
		return false, Errorf(EFORBIDDEN, "Global policies are proposed by the domains' representatives or an admin, and you represent no domain.")
	}
	return false, nil
}

// canPropose: representatives of any domain propose global changes.
func (s *Store) canPropose(tx *gorm.DB, p Principal) bool {
	if p.ReadOnly {
		return false
	}
	if p.Admin {
		return true
	}
	var domains []Domain
	if err := tx.Where("status = ?", DomainActive).Find(&domains).Error; err != nil {
		return false
	}
	for i := range domains {
		if p.Represents(&domains[i]) {
			return true
		}
	}
	return false
}

func getPolicy(tx *gorm.DB, id uint) (*Policy, error) {
	var pol Policy
	err := tx.Preload("Domain").Take(&pol, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, Errorf(ENOTFOUND, "There is no policy %d.", id)
	}
	return &pol, err
}

// propose opens a proposal for pol; a policy has at most one open at a time.
func (s *Store) propose(tx *gorm.DB, p Principal, pol *Policy, action string, spec PolicySpec, comment string) (*PolicyProposal, error) {
	var open int64
	if err := tx.Model(&PolicyProposal{}).Where("policy_id = ? AND state = ?", pol.ID, ProposalOpen).Count(&open).Error; err != nil {
		return nil, err
	}
	if open > 0 {
		return nil, Errorf(ECONFLICT, "%s already has an open proposal; vote on it or withdraw it first.", pol.Name)
	}
	prop := &PolicyProposal{PolicyID: pol.ID, Action: action, Spec: spec, State: ProposalOpen, Comment: truncate(comment, 2000),
		ProposedBy: truncate(p.Label(), 299), CreatedAt: s.now()}
	if err := tx.Omit(clause.Associations).Create(prop).Error; err != nil {
		return nil, err
	}
	if pol.State == PolicyRejected {
		if err := tx.Model(pol).Omit(clause.Associations).Update("state", PolicyProposed).Error; err != nil {
			return nil, err
		}
		if err := indexPolicies(tx, s.now(), []uint{pol.ID}); err != nil {
			return nil, err
		}
	}
	return prop, s.audit(tx, p, "proposed "+action, "policy", pol.ID, pol.Key, pol.PolicySpec.auditFields(), spec.auditFields())
}

// adopt puts spec in force as pol's next version and re-evaluates every
// product against it, in the same transaction.
func (s *Store) adopt(tx *gorm.DB, p Principal, pol *Policy, spec PolicySpec, prop *PolicyProposal, direct bool) error {
	before := map[string]string(nil)
	if pol.Version > 0 {
		before = pol.PolicySpec.auditFields()
	}
	pol.PolicySpec, pol.State, pol.Version = spec, PolicyAdopted, pol.Version+1
	if err := tx.Omit(clause.Associations).Save(pol).Error; err != nil {
		return err
	}
	v := PolicyVersion{PolicyID: pol.ID, Version: pol.Version, Spec: spec, AdoptedBy: truncate(p.Label(), 299), Direct: direct,
		Changes: diffFields(before, spec.auditFields()), AdoptedAt: s.now()}
	if prop != nil {
		// Adopted by whoever decided: the domains' vote or the admin.
		v.ProposalID = &prop.ID
		v.AdoptedBy = truncate(prop.DecidedBy, 299)
	}
	if err := tx.Omit(clause.Associations).Create(&v).Error; err != nil {
		return err
	}
	action := "adopted"
	if direct {
		action = "adopted directly"
	}
	if err := s.audit(tx, p, action, "policy", pol.ID, pol.Key, before, spec.auditFields()); err != nil {
		return err
	}
	if err := indexPolicies(tx, s.now(), []uint{pol.ID}); err != nil {
		return err
	}
	_, _, err := s.evaluatePolicies(tx.Statement.Context, tx, nil)
	return err
}

// retire takes pol out of force, drops its results and re-scores.
func (s *Store) retire(tx *gorm.DB, p Principal, pol *Policy) error {
	was := pol.State
	if err := tx.Model(pol).Omit(clause.Associations).Update("state", PolicyRetired).Error; err != nil {
		return err
	}
	pol.State = PolicyRetired
	if err := tx.Where("policy_id = ?", pol.ID).Delete(&PolicyResult{}).Error; err != nil {
		return err
	}
	if err := s.audit(tx, p, "retired", "policy", pol.ID, pol.Key, map[string]string{"state": was}, map[string]string{"state": PolicyRetired}); err != nil {
		return err
	}
	if err := indexPolicies(tx, s.now(), []uint{pol.ID}); err != nil { // a retired policy leaves the index
		return err
	}
	_, _, err := s.evaluatePolicies(tx.Statement.Context, tx, nil)
	return err
}

// withdrawOpen closes pol's open proposal, if any, with note.
func withdrawOpen(tx *gorm.DB, policyID uint, p Principal, now time.Time, note string) error {
	return tx.Model(&PolicyProposal{}).Where("policy_id = ? AND state = ?", policyID, ProposalOpen).
		Updates(map[string]any{"state": ProposalWithdrawn, "decided_at": now, "decided_by": truncate(p.Label()+": "+note, 299)}).Error
}
