package models

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"
)

// DomainSummary is a domain with its products counted by status.
type DomainSummary struct {
	Domain
	Products       int64
	ProductsByStat map[string]int64
	// Compliance is the mean policy score, in whole percent, of the
	// domain's products that have one; nil when none has.
	Compliance *int
}

// ListDomains returns all domains by name with product counts.
func (s *Store) ListDomains(ctx context.Context) ([]DomainSummary, error) {
	snap, err := s.catalog(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]DomainSummary, len(snap.domains))
	for i, d := range snap.domains {
		out[i] = DomainSummary{Domain: d, ProductsByStat: snap.counts[d.ID]}
		for _, n := range snap.counts[d.ID] {
			out[i].Products += n
		}
		out[i].Compliance = snap.compliance[d.ID]
	}
	return out, nil
}

// AllDomains returns every domain by name, without counts (for selects).
func (s *Store) AllDomains(ctx context.Context) ([]Domain, error) {
	snap, err := s.catalog(ctx)
	if err != nil {
		return nil, err
	}
	return append([]Domain(nil), snap.domains...), nil
}

// lockDomain reads a domain inside a write transaction. On PostgreSQL it
// locks the row first, so changes of one domain queue, and a product being
// added (which takes a share lock, see lockDomainShared) cannot land in a
// domain that is being retired or deleted. SQLite write transactions are
// serial already.
func lockDomain(tx *gorm.DB, slug string) (*Domain, error) {
	if tx.Dialector.Name() == "postgres" {
		if err := tx.Exec("SELECT 1 FROM domains WHERE slug = ? FOR UPDATE", slug).Error; err != nil {
			return nil, err
		}
	}
	return getDomain(tx, slug)
}

// lockDomainShared keeps a domain from being retired, deleted or renamed
// until the transaction ends, while other products are added beside it.
func lockDomainShared(tx *gorm.DB, slug string) error {
	if tx.Dialector.Name() != "postgres" || slug == "" {
		return nil
	}
	return tx.Exec("SELECT 1 FROM domains WHERE slug = ? FOR SHARE", strings.ToLower(strings.TrimSpace(slug))).Error
}

// GetDomain finds a domain by slug.
func (s *Store) GetDomain(ctx context.Context, slug string) (*Domain, error) {
	return getDomain(s.db.WithContext(ctx), slug)
}

func getDomain(tx *gorm.DB, slug string) (*Domain, error) {
	var d Domain
	err := tx.Where("slug = ?", slug).Take(&d).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, Errorf(ENOTFOUND, "There is no domain %q.", truncate(slug, 63))
	}
	return &d, internal("get domain", err)
}

// CheckDomain normalizes and validates in, including slug uniqueness;
// currentID is the domain being edited (0 when creating).
func (s *Store) CheckDomain(ctx context.Context, in *DomainInput, currentID uint) FieldErrors {
	return checkDomain(s.db.WithContext(ctx), in, currentID)
}

// checkDomain is CheckDomain on tx, so that a check inside a transaction
// neither waits for a second connection nor misses the transaction's writes.
func checkDomain(tx *gorm.DB, in *DomainInput, currentID uint) FieldErrors {
	in.Normalize()
	errs := in.Validate()
	if _, bad := errs["slug"]; !bad {
		var n int64
		if err := tx.Model(&Domain{}).Where("slug = ? AND id <> ?", in.Slug, currentID).Count(&n).Error; err != nil {
			errs.Add("slug", "Could not check whether the slug is free; try again.")
		} else if n > 0 {
			errs.Add("slug", msgDomainSlugTaken)
		}
	}
	return errs
}

// CreateDomain registers a domain.
func (s *Store) CreateDomain(ctx context.Context, p Principal, in DomainInput) (*Domain, error) {
	if !p.CanCreateDomain() {
		return nil, Errorf(EFORBIDDEN, "Only admins can register domains.")
	}
	errs := s.CheckDomain(ctx, &in, 0)
	if in.Status != "" && in.Status != DomainActive {
		errs.Add("status", "A new domain starts active; retire it later.")
	}
	if err := errs.Err(); err != nil {
		return nil, conflictIfTaken(err)
	}
	d := &Domain{}
	d.apply(in)
	d.Status = DomainActive // a domain is born active; retiring is a later step
	err := s.writeCatalog(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(d).Error; err != nil {
			return err
		}
		if err := indexDomains(tx, s.now(), []uint{d.ID}); err != nil {
			return err
		}
		return s.audit(tx, p, "created", "domain", d.ID, d.Slug, nil, d.auditFields())
	})
	if errors.Is(err, gorm.ErrDuplicatedKey) { // lost a race with another writer
		return nil, slugTaken(msgDomainSlugTaken)
	}
	return d, internal("create domain", err)
}

// UpdateDomain changes a domain's details.
func (s *Store) UpdateDomain(ctx context.Context, p Principal, slug string, in DomainInput) (*Domain, error) {
	return s.changeDomain(ctx, p, slug, func(*Domain) (DomainInput, error) { return in, nil })
}

// PatchDomain applies patch to the domain's current fields inside the write
// transaction, so two clients patching different fields both keep theirs.
func (s *Store) PatchDomain(ctx context.Context, p Principal, slug string, patch func(*DomainInput) error) (*Domain, error) {
	return s.changeDomain(ctx, p, slug, func(d *Domain) (DomainInput, error) {
		in := d.Input()
		return in, patch(&in)
	})
}

func (s *Store) changeDomain(ctx context.Context, p Principal, slug string, change func(*Domain) (DomainInput, error)) (*Domain, error) {
	var d *Domain
	err := s.writeCatalog(ctx, func(tx *gorm.DB) error {
		var err error
		if d, err = lockDomain(tx, slug); err != nil {
			return err
		}
		if !p.CanEditDomain(d) {
			return Errorf(EFORBIDDEN, "Only admins and the owners of %s can edit it.", d.Name)
		}
		in, err := change(d)
		if err != nil {
			return err
		}
		if err := checkDomain(tx, &in, d.ID).Err(); err != nil {
			return conflictIfTaken(err)
		}
		if !p.Admin && !p.listedIn(in.Owners) {
			return &Error{Code: EINVALID, Message: "Please correct the highlighted fields.",
				Fields: FieldErrors{"owners": "Keep yourself (or a group you are in) among the owners, or ask an admin to hand the domain over."}}
		}
		if in.Status != "" && in.Status != d.Status {
			if err := checkDomainStatus(tx, p, d, in.Status); err != nil {
				return err
			}
		}
		before, unreadDays := d.auditFields(), d.UnreadDays
		d.apply(in)
		changes := diffFields(before, d.auditFields())
		if len(changes) == 0 {
			return nil
		}
		if err := tx.Save(d).Error; err != nil {
			return err
		}
		if d.UnreadDays != unreadDays {
			if err := s.reevaluate(tx, p, findingScope{domain: d.ID}); err != nil {
				return err
			}
		}
		if err := touchFindings(tx); err != nil { // findings show its name
			return err
		}
		// Its products, sources and policies show its name and slug.
		renamed := before["name"] != d.Name || before["slug"] != d.Slug
		if err := s.indexDomain(tx, d.ID, renamed); err != nil {
			return err
		}
		return s.audit(tx, p, "updated", "domain", d.ID, d.Slug, before, d.auditFields())
	})
	if errors.Is(err, gorm.ErrDuplicatedKey) { // lost a race with another writer
		return nil, slugTaken(msgDomainSlugTaken)
	}
	return d, internal("update domain", err)
}

// SetDomainStatus retires a domain (all its products must be retired first)
// or brings a retired one back.
func (s *Store) SetDomainStatus(ctx context.Context, p Principal, slug, status string) (*Domain, error) {
	if status != DomainActive && status != DomainRetired {
		return nil, Errorf(EINVALID, "A domain is either active or retired.")
	}
	var d *Domain
	err := s.writeCatalog(ctx, func(tx *gorm.DB) error {
		var err error
		if d, err = lockDomain(tx, slug); err != nil {
			return err
		}
		if d.Status == status {
			if !p.CanDeleteDomain(d) {
				return Errorf(EFORBIDDEN, "Only admins can retire or reactivate domains.")
			}
			return nil
		}
		if err := checkDomainStatus(tx, p, d, status); err != nil {
			return err
		}
		before := d.auditFields()
		d.Status = status
		if err := tx.Model(d).Update("status", status).Error; err != nil {
			return err
		}
		action := "retired"
		if status == DomainActive {
			action = "reactivated"
		}
		if err := indexDomains(tx, s.now(), []uint{d.ID}); err != nil {
			return err
		}
		return s.audit(tx, p, action, "domain", d.ID, d.Slug, before, d.auditFields())
	})
	return d, internal("set domain status", err)
}

// checkDomainStatus says whether p may move d to status: only admins retire
// or reactivate, and only domains whose products are all retired retire.
func checkDomainStatus(tx *gorm.DB, p Principal, d *Domain, status string) error {
	if !p.CanDeleteDomain(d) {
		return Errorf(EFORBIDDEN, "Only admins can retire or reactivate domains.")
	}
	if status != DomainRetired {
		return nil
	}
	var live int64
	if err := tx.Model(&Product{}).Where("domain_id = ? AND status <> ?", d.ID, StatusRetired).Count(&live).Error; err != nil {
		return err
	}
	if live > 0 {
		msg := fmt.Sprintf("%s still has %d product(s) that are not retired. Retire them first.", d.Name, live)
		return &Error{Code: ECONFLICT, Message: msg, Fields: FieldErrors{"status": msg}}
	}
	return nil
}

// DeleteDomain deletes a domain that has no products.
func (s *Store) DeleteDomain(ctx context.Context, p Principal, slug string) error {
	err := s.writeCatalog(ctx, func(tx *gorm.DB) error {
		d, err := lockDomain(tx, slug)
		if err != nil {
			return err
		}
		if !p.CanDeleteDomain(d) {
			return Errorf(EFORBIDDEN, "Only admins can delete domains.")
		}
		var n int64
		if err := tx.Model(&Product{}).Where("domain_id = ?", d.ID).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return Errorf(ECONFLICT, "%s still has %d product(s). Delete or move them first.", d.Name, n)
		}
		if err := tx.Model(&Source{}).Where("domain_id = ?", d.ID).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return Errorf(ECONFLICT, "%s still has %d source(s). Delete or move them first.", d.Name, n)
		}
		if err := tx.Delete(d).Error; err != nil {
			return err
		}
		return s.audit(tx, p, "deleted", "domain", d.ID, d.Slug, d.auditFields(), nil)
	})
	return internal("delete domain", err)
}

const (
	msgDomainSlugTaken  = "Another domain already uses this slug."
	msgProductSlugTaken = "Another product in this domain already uses this slug."
)

func slugTaken(msg string) error {
	return &Error{Code: ECONFLICT, Message: msg, Fields: FieldErrors{"slug": msg}}
}

// conflictIfTaken turns a validation failure that is only about a taken slug
// into a conflict, so the API answers 409 for duplicates and 422 otherwise.
func conflictIfTaken(err error) error {
	var e *Error
	if errors.As(err, &e) && len(e.Fields) == 1 {
		if msg := e.Fields["slug"]; msg == msgDomainSlugTaken || msg == msgProductSlugTaken {
			return slugTaken(msg)
		}
	}
	return err
}

// audit writes an audit entry inside the caller's transaction.
func (s *Store) audit(tx *gorm.DB, p Principal, action, entityType string, id uint, key string, before, after map[string]string) error {
	return tx.Create(&AuditEntry{
		// The actor column holds 300 characters; email plus token name can be longer.
		At: s.now(), Actor: truncate(p.Label(), 299), Action: action, EntityType: entityType,
		EntityID: id, EntityKey: key, Changes: diffFields(before, after),
	}).Error
}

// AuditLog returns the newest entries for one entity, newest first.
func (s *Store) AuditLog(ctx context.Context, entityType string, id uint, limit int) ([]AuditEntry, error) {
	var entries []AuditEntry
	err := s.db.WithContext(ctx).Where("entity_type = ? AND entity_id = ?", entityType, id).
		Order("at DESC, id DESC").Limit(limit).Find(&entries).Error
	return entries, internal("audit log", err)
}
