package models

import (
	"context"
	"errors"
	"net/url"
	"strconv"
	"strings"

	"github.com/meshport/meshport/models/secrets"
	"gorm.io/gorm"
)

const msgSourceSlugTaken = "Another source already uses this slug."

// sourceSecrets is how the store seals DSNs and which hosts and paths
// sources may use (Options.Sealer, Options.SourcePolicy).
type sourceSecrets struct {
	sealer *secrets.Sealer
	policy SourcePolicy
}

// SourcePolicy is the policy sources are checked against.
func (s *Store) SourcePolicy() SourcePolicy { return s.sources.policy }

// CanManageSources: admins and the domain's owners register and change its
// sources and start crawls.
func (p Principal) CanManageSources(d *Domain) bool { return p.CanManageProducts(d) }

// GetSource finds a source by slug or numeric id.
func (s *Store) GetSource(ctx context.Context, ref string) (*Source, error) {
	return getSource(s.db.WithContext(ctx), ref)
}

func getSource(tx *gorm.DB, ref string) (*Source, error) {
	var src Source
	q := tx.Preload("Domain")
	if id, err := strconv.ParseUint(ref, 10, 32); err == nil {
		q = q.Where("id = ?", id)
	} else {
		q = q.Where("slug = ?", strings.ToLower(ref))
	}
	err := q.Take(&src).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, Errorf(ENOTFOUND, "There is no source %q.", truncate(ref, 63))
	}
	return &src, internal("get source", err)
}

// ListSources returns every source with its domain, by name.
func (s *Store) ListSources(ctx context.Context) ([]Source, error) {
	var list []Source
	err := s.db.WithContext(ctx).Preload("Domain").Order("name, id").Find(&list).Error
	return list, internal("list sources", err)
}

// CheckSource validates a source input as it would be saved, without
// saving (for live validation and before writes). existing is nil for a
// new source. The network and file policy is checked too, which may
// resolve a host name or look at a path, so only for a domain p manages:
// nobody else may use the portal to probe names or files.
func (s *Store) CheckSource(ctx context.Context, p Principal, in *SourceInput, existing *Source) FieldErrors {
	in.Normalize()
	errs := in.Validate(existing == nil)
	mayProbe := false
	if !errs.Has("domain") {
		if d, err := getDomain(s.db.WithContext(ctx), in.Domain); err != nil {
			errs.Add("domain", "There is no such domain.")
		} else if d.Status != DomainActive && (existing == nil || existing.DomainID != d.ID) {
			errs.Add("domain", d.Name+" is retired; sources go into active domains.")
		} else {
			mayProbe = p.CanManageSources(d)
		}
	}
	if !errs.Has("slug") {
		var n int64
		q := s.db.WithContext(ctx).Model(&Source{}).Where("slug = ?", in.Slug)
		if existing != nil {
			q = q.Where("id <> ?", existing.ID)
		}
		if q.Count(&n); n > 0 {
			errs.Add("slug", msgSourceSlugTaken)
		}
	}
	if mayProbe && !errs.Has("dsn") && !errs.Has("kind") && in.DSN != "" {
		if msg := s.policyProblem(ctx, SourceKind(in.Kind), in.DSN); msg != "" {
			errs.Add("dsn", msg)
		}
	}
	return errs
}

// policyProblem checks a DSN's host or path against the operator's policy.
func (s *Store) policyProblem(ctx context.Context, kind SourceKind, dsn string) string {
	var err error
	switch kind {
	case KindPostgres, KindMySQL:
		u, perr := url.Parse(dsn)
		if perr != nil {
			return "Write it as a URL."
		}
		err = s.sources.policy.CheckHost(ctx, u.Hostname())
	case KindSQLite, KindFiles:
		_, err = s.sources.policy.CheckPath(dsn)
	}
	var ce *SourceError
	if errors.As(err, &ce) {
		return ce.Message
	}
	if err != nil {
		return "The connection cannot be checked."
	}
	return ""
}

// CreateSource registers a source in a domain the principal manages.
func (s *Store) CreateSource(ctx context.Context, p Principal, in SourceInput) (*Source, error) {
	if s.sources.sealer == nil {
		return nil, Errorf(EUNAVAILABLE, "Sources cannot be stored: the portal has no secret key to encrypt them.")
	}
	// Permission first: checking the input resolves the host name, which
	// nobody may make the portal do for a domain they do not own.
	if d, err := getDomain(s.db.WithContext(ctx), strings.ToLower(strings.TrimSpace(in.Domain))); err == nil && !p.CanManageSources(d) {
		return nil, Errorf(EFORBIDDEN, "Only admins and the owners of %s can register its sources.", d.Name)
	}
	errs := s.CheckSource(ctx, p, &in, nil)
	if err := errs.Err(); err != nil {
		return nil, sourceConflictIfTaken(err)
	}
	src := &Source{}
	err := s.writeFindings(ctx, func(tx *gorm.DB) error {
		d, err := domainLockedShared(tx, in.Domain)
		if err != nil {
			return err
		}
		if !p.CanManageSources(d) {
			return Errorf(EFORBIDDEN, "Only admins and the owners of %s can register its sources.", d.Name)
		}
		src.DomainID, src.Domain = d.ID, d
		src.apply(in)
		src.DSNSealed = "pending" // sealed below, bound to the new row's id
		if err := tx.Omit("Domain").Create(src).Error; err != nil {
			return err
		}
		src.DSNSealed = s.sources.sealer.Seal(in.DSN, sourceAAD(src.ID))
		if err := tx.Model(src).Update("dsn_sealed", src.DSNSealed).Error; err != nil {
			return err
		}
		if err := touchFindings(tx); err != nil { // the findings filter lists it
			return err
		}
		if err := indexSources(tx, s.now(), []uint{src.ID}); err != nil {
			return err
		}
		return s.audit(tx, p, "created", "source", src.ID, src.Slug, nil, src.auditFields())
	})
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return nil, slugTaken(msgSourceSlugTaken)
	}
	if err != nil {
		return nil, internal("create source", err)
	}
	s.sourceWritten()
	return src, nil
}

// UpdateSource changes a source; an empty DSN keeps the stored one, and
// KeepPassword keeps the stored password with a new DSN.
func (s *Store) UpdateSource(ctx context.Context, p Principal, ref string, in SourceInput) (*Source, error) {
	current, err := s.GetSource(ctx, ref)
	if err != nil {
		return nil, err
	}
	return s.updateSource(ctx, p, current, in, false)
}

// errSourceChanged says a source changed between reading and writing it.
var errSourceChanged = errors.New("the source changed meanwhile")

// PatchSource changes some of a source's settings: patch edits its current
// ones (the DSN empty: kept). When the source changes between reading and
// writing, it is read and patched again, so two patches of different
// settings at once both hold.
func (s *Store) PatchSource(ctx context.Context, p Principal, ref string, patch func(*SourceInput) error) (*Source, error) {
	for range 5 {
		current, err := s.GetSource(ctx, ref)
		if err != nil {
			return nil, err
		}
		in := current.Input()
		if err := patch(&in); err != nil {
			return nil, err
		}
		src, err := s.updateSource(ctx, p, current, in, true)
		if !errors.Is(err, errSourceChanged) {
			return src, err
		}
		ref = strconv.FormatUint(uint64(current.ID), 10) // it may have been renamed
	}
	return nil, Errorf(ECONFLICT, "The source kept changing while this change was saved; please try again.")
}

// updateSource writes in over current; with ifUnchanged, only if the stored
// source is still as current was read (errSourceChanged otherwise).
func (s *Store) updateSource(ctx context.Context, p Principal, current *Source, in SourceInput, ifUnchanged bool) (*Source, error) {
	if s.sources.sealer == nil {
		return nil, Errorf(EUNAVAILABLE, "Sources cannot be stored: the portal has no secret key to encrypt them.")
	}
	var err error
	if !p.CanManageSources(current.Domain) {
		return nil, Errorf(EFORBIDDEN, "Only admins and the owners of %s can change its sources.", current.Domain.Name)
	}
	if in.DSN != "" && in.KeepPassword {
		if in.DSN, err = s.withStoredPassword(current, in.DSN); err != nil {
			return nil, err
		}
	}
	errs := s.CheckSource(ctx, p, &in, current)
	if d, derr := getDomain(s.db.WithContext(ctx), in.Domain); derr == nil && d.ID != current.DomainID && !p.CanManageSources(d) {
		return nil, Errorf(EFORBIDDEN, "Only admins and the owners of %s can move sources into it.", d.Name)
	}
	if in.DSN == "" && in.Kind != current.Kind && !errs.Has("kind") {
		errs.Add("dsn", "A different kind of source needs its own connection.")
	}
	if err := errs.Err(); err != nil {
		return nil, sourceConflictIfTaken(err)
	}
	var src *Source
	err = s.writeFindings(ctx, func(tx *gorm.DB) error {
		d, err := domainLockedShared(tx, in.Domain)
		if err != nil {
			return err
		}
		// NO KEY UPDATE, like the UPDATE itself: it does not conflict with the
		// key-share locks a running crawl's asset inserts hold on the row.
		if tx.Dialector.Name() == "postgres" { // SQLite write transactions are serial already
			if err := tx.Exec("SELECT 1 FROM sources WHERE id = ? FOR NO KEY UPDATE", current.ID).Error; err != nil {
				return err
			}
		}
		if src, err = getSource(tx, strconv.FormatUint(uint64(current.ID), 10)); err != nil {
			return err
		}
		if ifUnchanged && !src.UpdatedAt.Equal(current.UpdatedAt) {
			return errSourceChanged
		}
		before := src.auditFields()
		dsnHint := src.DSNHint
		src.apply(in)
		src.DomainID, src.Domain = d.ID, d
		if in.DSN != "" {
			src.DSNSealed = s.sources.sealer.Seal(in.DSN, sourceAAD(src.ID))
		} else {
			src.DSNHint = dsnHint
		}
		if err := tx.Omit("Domain").Save(src).Error; err != nil {
			return err
		}
		// Its findings move with its domain and show its new name.
		if err := s.reevaluate(tx, p, findingScope{sources: []uint{src.ID}}); err != nil {
			return err
		}
		if err := touchFindings(tx); err != nil {
			return err
		}
		after := src.auditFields()
		if in.DSN != "" {
			after["connection"] = "changed" // the audit log never holds secrets
		}
		// Its assets' entries name it and link to it.
		if err := indexSources(tx, s.now(), []uint{src.ID}); err != nil {
			return err
		}
		if before["name"] != after["name"] || before["slug"] != after["slug"] || before["domain"] != after["domain"] {
			if err := indexSourceAssets(tx, s.now(), src.ID); err != nil {
				return err
			}
		}
		return s.audit(tx, p, "updated", "source", src.ID, src.Slug, before, after)
	})
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return nil, slugTaken(msgSourceSlugTaken)
	}
	if err != nil {
		return nil, internal("update source", err)
	}
	s.sourceWritten()
	return src, nil
}

// MergeStoredPassword is dsn with the stored password of current when dsn
// has none (for "Test connection" on the edit form, where the password
// field stays empty).
func (s *Store) MergeStoredPassword(current *Source, dsn string) (string, error) {
	return s.withStoredPassword(current, dsn)
}

// withStoredPassword puts the stored DSN's password into dsn when dsn has
// none (URL kinds only), but only for the same server and user: the stored
// password must never be sent to a host someone typed in later.
func (s *Store) withStoredPassword(current *Source, dsn string) (string, error) {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn, nil
	}
	if _, has := u.User.Password(); has || u.Query().Has("password") {
		return dsn, nil
	}
	stored, err := s.sources.sealer.Open(current.DSNSealed, sourceAAD(current.ID))
	if err != nil {
		return "", &Error{Code: EINVALID, Message: "Please correct the highlighted fields.",
			Fields: FieldErrors{"dsn": "The stored password cannot be decrypted (was MESHPORT_SECRET_KEY changed?); enter it again."}}
	}
	old, err := url.Parse(stored)
	if err != nil {
		return dsn, nil
	}
	pw, inUser := "", false
	if old.User != nil {
		pw, inUser = old.User.Password()
	}
	inQuery := old.Query().Has("password")
	if !inUser && !inQuery {
		return dsn, nil // nothing stored to keep
	}
	if !sameServer(old, u) {
		return "", &Error{Code: EINVALID, Message: "Please correct the highlighted fields.",
			Fields: FieldErrors{"dsn": "The host, port or user changed: enter the password for the new connection (the stored one is only used for the server it was given for)."}}
	}
	if inUser {
		u.User = url.UserPassword(u.User.Username(), pw)
	} else {
		q := u.Query()
		q.Set("password", old.Query().Get("password"))
		u.RawQuery = q.Encode()
	}
	return u.String(), nil
}

// sameServer compares scheme, host, port (defaults filled in) and user.
func sameServer(a, b *url.URL) bool {
	port := func(u *url.URL) string {
		if p := u.Port(); p != "" {
			return p
		}
		if u.Scheme == "mysql" {
			return "3306"
		}
		return "5432"
	}
	user := func(u *url.URL) string {
		if u.User == nil {
			return ""
		}
		return u.User.Username()
	}
	scheme := func(u *url.URL) string { return strings.TrimSuffix(strings.ToLower(u.Scheme), "ql") } // postgresql = postgres
	return scheme(a) == scheme(b) && strings.EqualFold(a.Hostname(), b.Hostname()) && port(a) == port(b) && user(a) == user(b)
}

// DeleteSource removes a source with its runs, assets and observations.
func (s *Store) DeleteSource(ctx context.Context, p Principal, ref string) error {
	src, err := s.GetSource(ctx, ref)
	if err != nil {
		return err
	}
	if !p.CanManageSources(src.Domain) {
		return Errorf(EFORBIDDEN, "Only admins and the owners of %s can delete its sources.", src.Domain.Name)
	}
	err = s.writeCatalog(ctx, func(tx *gorm.DB) error {
		var running int64
		tx.Model(&CrawlRun{}).Where("source_id = ? AND status = ?", src.ID, RunRunning).Count(&running)
		if running > 0 {
			return Errorf(ECONFLICT, "A crawl of %s is running; delete the source when it has finished.", src.Name)
		}
		// Explicit deletes: SQLite enforces ON DELETE CASCADE only with
		// foreign keys on, and the observations are the bulk of the rows.
		assetIDs := tx.Model(&Asset{}).Select("id").Where("source_id = ?", src.ID)
		if err := tx.Where("asset_id IN (?)", assetIDs).Delete(&AssetObservation{}).Error; err != nil {
			return err
		}
		for _, model := range []any{&Asset{}, &CrawlRun{}} {
			if err := tx.Where("source_id = ?", src.ID).Delete(model).Error; err != nil {
				return err
			}
		}
		// Ports keep their location; they just no longer name the source.
		var products []uint
		if err := tx.Model(&OutputPort{}).Distinct("product_id").Where("source_id = ?", src.ID).Pluck("product_id", &products).Error; err != nil {
			return err
		}
		if err := tx.Model(&OutputPort{}).Where("source_id = ?", src.ID).Update("source_id", nil).Error; err != nil {
			return err
		}
		if _, err := refreshHealth(tx, products, s.now()); err != nil {
			return err
		}
		if err := tx.Where("source_id = ?", src.ID).Delete(&Finding{}).Error; err != nil {
			return err
		}
		if err := tx.Delete(&Source{}, src.ID).Error; err != nil {
			return err
		}
		if len(products) > 0 { // (an empty scope would mean everything)
			if err := s.reevaluate(tx, p, findingScope{products: products}); err != nil {
				return err
			}
		}
		if err := touchFindings(tx); err != nil {
			return err
		}
		return s.audit(tx, p, "deleted", "source", src.ID, src.Slug, src.auditFields(), nil)
	})
	if err != nil {
		return internal("delete source", err)
	}
	s.sourceWritten()
	return nil
}

// SourcesChanged receives after a source was created, changed or deleted
// through this store, so the source schedules (jobs.SourceSchedules, the
// one reader per process) re-read them at once: a write cannot forget to
// reschedule. Signals coalesce; other replicas' writes arrive by the
// schedules' periodic sync.
func (s *Store) SourcesChanged() <-chan struct{} { return s.sourcesChanged }

// sourceWritten signals SourcesChanged without ever blocking the writer.
func (s *Store) sourceWritten() {
	select {
	case s.sourcesChanged <- struct{}{}:
	default: // a signal is pending already; the reader will see this write too
	}
}

// ConnectorSettings decrypts a source's settings for its connector.
func (s *Store) ConnectorSettings(src *Source) (SourceSettings, error) {
	if s.sources.sealer == nil {
		return SourceSettings{}, Errorf(EUNAVAILABLE, "The portal has no secret key to decrypt source connections.")
	}
	dsn, err := s.sources.sealer.Open(src.DSNSealed, sourceAAD(src.ID))
	if err != nil {
		return SourceSettings{}, Errorf(EINTERNAL, "The connection of %s cannot be decrypted: %v", src.Name, err)
	}
	return SourceSettings{
		Kind: SourceKind(src.Kind), DSN: dsn, Include: src.Include, Exclude: src.Exclude,
		FreshnessColumns: src.FreshnessColumnMap(),
	}, nil
}

// StoredDSN is the decrypted DSN of a source, for the edit form to show its
// parts (never the password) and for "Test connection" with the stored
// password.
func (s *Store) StoredDSN(src *Source) (string, error) {
	settings, err := s.ConnectorSettings(src)
	return settings.DSN, err
}

func (src *Source) apply(in SourceInput) {
	src.Slug, src.Name, src.Kind = in.Slug, in.Name, in.Kind
	if in.DSN != "" {
		src.DSNHint = DSNHint(SourceKind(in.Kind), in.DSN)
	}
	src.Include, src.Exclude = StringList(in.Include), StringList(in.Exclude)
	src.FreshnessColumns = StringList(in.FreshnessColumns)
	src.Schedule, src.TimeZone = in.Schedule, in.TimeZone
	src.Enabled = in.Enabled == nil || *in.Enabled
}

// Input is the source as an input, for PATCH (the DSN stays stored).
func (src *Source) Input() SourceInput {
	enabled := src.Enabled
	domain := ""
	if src.Domain != nil {
		domain = src.Domain.Slug
	}
	return SourceInput{Name: src.Name, Slug: src.Slug, Domain: domain, Kind: src.Kind,
		Include: src.Include, Exclude: src.Exclude, FreshnessColumns: src.FreshnessColumns,
		Schedule: src.Schedule, TimeZone: src.TimeZone, Enabled: &enabled}
}

func (src *Source) auditFields() map[string]string {
	domain := ""
	if src.Domain != nil {
		domain = src.Domain.Slug
	}
	return map[string]string{
		"name": src.Name, "slug": src.Slug, "domain": domain, "kind": src.Kind, "connection": src.DSNHint,
		"include": strings.Join(src.Include, ", "), "exclude": strings.Join(src.Exclude, ", "),
		"freshness columns": strings.Join(src.FreshnessColumns, ", "),
		"schedule":          src.Schedule, "time zone": src.TimeZone, "enabled": strconv.FormatBool(src.Enabled),
	}
}

func sourceConflictIfTaken(err error) error {
	var e *Error
	if errors.As(err, &e) && len(e.Fields) == 1 && e.Fields["slug"] == msgSourceSlugTaken {
		return slugTaken(msgSourceSlugTaken)
	}
	return err
}

// domainLockedShared locks the domain against deletion while a source is
// written into it, and returns it.
func domainLockedShared(tx *gorm.DB, slug string) (*Domain, error) {
	if err := lockDomainShared(tx, slug); err != nil {
		return nil, err
	}
	return getDomain(tx, slug)
}
