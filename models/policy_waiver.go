package models

import (
	"context"
	"errors"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// WaiverInput is an owner's request to exempt a product from a policy.
// ExpiresAt is a day (2027-01-31) or an RFC 3339 time.
type WaiverInput struct {
	PolicyID  uint   `json:"policy_id"`
	Reason    string `json:"reason"`
	ExpiresAt string `json:"expires_at"`
}

// WaiverDecision approves or rejects a requested waiver.
type WaiverDecision struct {
	Approve *bool  `json:"approve"`
	Note    string `json:"note"`
}

// RequestWaiver records an owner's request for a waiver of one policy for
// one product; it exempts nothing until approved.
func (s *Store) RequestWaiver(ctx context.Context, p Principal, domainSlug, productSlug string, in WaiverInput) (*PolicyWaiver, error) {
	in.Reason, in.ExpiresAt = strings.TrimSpace(in.Reason), strings.TrimSpace(in.ExpiresAt)
	var w *PolicyWaiver
	err := s.writeCatalog(ctx, func(tx *gorm.DB) error {
		prod, err := productForChange(tx, p, domainSlug, productSlug, "request waivers for")
		if err != nil {
			return err
		}
		errs := FieldErrors{}
		var pol *Policy
		if in.PolicyID == 0 {
			errs.Add("policy_id", "Choose the policy to waive.")
		} else if pol, err = getPolicy(tx, in.PolicyID); err != nil {
			errs.Add("policy_id", "There is no such policy.")
		} else if !pol.InForce() {
			errs.Add("policy_id", pol.Name+" is not in force, so there is nothing to waive.")
		} else if pol.Scope == ScopeDomain && (pol.DomainID == nil || *pol.DomainID != prod.DomainID) {
			errs.Add("policy_id", pol.Name+" does not apply in "+prod.Domain.Name+".")
		}
		switch n := len([]rune(in.Reason)); {
		case n == 0:
			errs.Add("reason", "Say why the product cannot comply yet.")
		case n < 10:
			errs.Add("reason", "Say a little more: at least 10 characters.")
		case n > 2000:
			errs.Add("reason", "Use at most 2000 characters.")
		}
		now := s.now()
		expires, perr := parseDay(in.ExpiresAt)
		switch {
		case in.ExpiresAt == "":
			errs.Add("expires_at", "Say when the waiver ends.")
		case perr != nil:
			errs.Add("expires_at", "Give a day as 2027-01-31.")
		case !expires.After(now):
			errs.Add("expires_at", "The end must lie in the future.")
		case expires.Sub(now) > s.maxWaiver:
			errs.Add("expires_at", "A waiver lasts at most "+itoa(uint(s.maxWaiver.Hours()/24))+" days: end it by "+now.Add(s.maxWaiver).Format(time.DateOnly)+".")
		}
		if err := errs.Err(); err != nil {
			return err
		}
		var open int64
		if err := tx.Model(&PolicyWaiver{}).Where("policy_id = ? AND product_id = ? AND (state = ? OR (state = ? AND expires_at > ?))",
			pol.ID, prod.ID, WaiverRequested, WaiverApproved, now).Count(&open).Error; err != nil {
			return err
		}
		if open > 0 {
			return Errorf(ECONFLICT, "%s already has a waiver of %s requested or running.", prod.Name, pol.Name)
		}
		w = &PolicyWaiver{PolicyID: pol.ID, ProductID: prod.ID, Reason: in.Reason, ExpiresAt: expires, State: WaiverRequested,
			RequestedBy: truncate(p.Label(), 299), RequestedAt: now}
		if err := tx.Omit(clause.Associations).Create(w).Error; err != nil {
			return err
		}
		return s.audit(tx, p, "waiver requested", "product", prod.ID, domainSlug+"/"+productSlug, nil,
			map[string]string{"policy": pol.Name, "reason": w.Reason, "expires": w.ExpiresAt.Format(time.DateOnly)})
	})
	return w, internal("request waiver", err)
}

// DecideWaiver approves or rejects a requested waiver, then re-evaluates
// the product. A global policy's waiver is approved by an admin or by a
// representative of another domain than the product's; a domain policy's
// by an owner of that domain other than the one who asked.
func (s *Store) DecideWaiver(ctx context.Context, p Principal, id uint, in WaiverDecision) (*PolicyWaiver, error) {
	in.Note = strings.TrimSpace(in.Note)
	if in.Approve == nil {
		return nil, FieldErrors{"approve": "Approve (true) or reject (false)."}.Err()
	}
	if len(in.Note) > 2000 {
		return nil, FieldErrors{"note": "Use at most 2000 characters."}.Err()
	}
	var w PolicyWaiver
	err := s.writeCatalog(ctx, func(tx *gorm.DB) error {
		err := tx.Preload("Policy").Preload("Policy.Domain").Preload("Product").Preload("Product.Domain").Take(&w, id).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return Errorf(ENOTFOUND, "There is no waiver %d.", id)
		}
		if err != nil {
			return err
		}
		if err := s.mayDecideWaiver(tx, p, &w); err != nil {
			return err
		}
		if w.State != WaiverRequested {
			return Errorf(ECONFLICT, "This waiver is already %s.", w.State)
		}
		now := s.now()
		if *in.Approve && !w.ExpiresAt.After(now) {
			return Errorf(ECONFLICT, "This waiver was to end on %s, which has passed; ask for a new one.", w.ExpiresAt.Format(time.DateOnly))
		}
		w.State, w.DecidedBy, w.DecidedAt, w.DecisionNote = WaiverRejected, truncate(p.Label(), 299), &now, in.Note
		if *in.Approve {
			w.State = WaiverApproved
		}
		if err := tx.Omit(clause.Associations).Save(&w).Error; err != nil {
			return err
		}
		if err := s.audit(tx, p, "waiver "+w.State, "product", w.ProductID, w.Product.Domain.Slug+"/"+w.Product.Slug,
			map[string]string{"state": WaiverRequested}, map[string]string{"state": w.State, "policy": w.Policy.Name, "note": in.Note}); err != nil {
			return err
		}
		_, _, err = s.evaluatePolicies(ctx, tx, []uint{w.ProductID})
		return err
	})
	return &w, internal("decide waiver", err)
}

// mayDecideWaiver says why p may not decide w, or nil.
func (s *Store) mayDecideWaiver(tx *gorm.DB, p Principal, w *PolicyWaiver) error {
	if p.ReadOnly {
		return Errorf(EFORBIDDEN, "This token may only read.")
	}
	if p.Admin {
		return nil
	}
	if w.Policy.Scope == ScopeDomain {
		if w.Policy.Domain == nil || !p.CanManageProducts(w.Policy.Domain) {
			return Errorf(EFORBIDDEN, "Only an owner of the domain or an admin decides waivers of its policies.")
		}
		if requestedBy(p, w.RequestedBy) {
			return Errorf(EFORBIDDEN, "Another owner of the domain, or an admin, decides your own request.")
		}
		return nil
	}
	// Nobody who speaks for the product's domain, as owner or as
	// representative, approves its exemption from a global policy.
	if p.Owns(w.Product.Domain) || p.Represents(w.Product.Domain) || requestedBy(p, w.RequestedBy) {
		return Errorf(EFORBIDDEN, "A waiver of a global policy is decided by an admin or by a representative of another domain than %s.", w.Product.Domain.Name)
	}
	var domains []Domain
	if err := tx.Where("status = ? AND id <> ?", DomainActive, w.Product.DomainID).Find(&domains).Error; err != nil {
		return err
	}
	for i := range domains {
		if p.Represents(&domains[i]) {
			return nil
		}
	}
	return Errorf(EFORBIDDEN, "A waiver of a global policy is decided by an admin or by a representative of another domain than %s.", w.Product.Domain.Name)
}

// requestedBy reports whether label (an audit label: an email or name,
// then " (via)" for anything but a session) names p, however p signed in:
// the same person through an API token is still the one who asked.
func requestedBy(p Principal, label string) bool {
	who := label
	if i := strings.LastIndex(who, " ("); i > 0 && strings.HasSuffix(who, ")") {
		who = who[:i]
	}
	return label == p.Label() || (p.Email != "" && strings.EqualFold(who, p.Email)) || (p.Email == "" && p.Name != "" && who == p.Name)
}

// PendingWaivers lists requested waivers and those expiring within days,
// for the governance page.
func (s *Store) PendingWaivers(ctx context.Context, days int) (requested, expiring []PolicyWaiver, err error) {
	// A new session: without it the second query would keep the first's
	// conditions (GORM chains share their statement).
	tx := s.db.WithContext(ctx).Preload("Policy").Preload("Product").Preload("Product.Domain").Session(&gorm.Session{})
	if err := tx.Where("state = ?", WaiverRequested).Order("requested_at").Find(&requested).Error; err != nil {
		return nil, nil, internal("requested waivers", err)
	}
	now := s.now()
	err = tx.Where("state = ? AND expires_at > ? AND expires_at <= ?", WaiverApproved, now, now.AddDate(0, 0, days)).
		Order("expires_at").Find(&expiring).Error
	return requested, expiring, internal("expiring waivers", err)
}

// GetWaiver returns one waiver with its policy and product.
func (s *Store) GetWaiver(ctx context.Context, id uint) (*PolicyWaiver, error) {
	var w PolicyWaiver
	err := s.db.WithContext(ctx).Preload("Policy").Preload("Product").Preload("Product.Domain").Take(&w, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, Errorf(ENOTFOUND, "There is no waiver %d.", id)
	}
	return &w, internal("get waiver", err)
}
