package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// ProductFilter selects and pages products; the same fields come from page
// query strings and API query strings.
type ProductFilter struct {
	Q              string `query:"q"`
	Domain         string `query:"domain"`
	Status         string `query:"status"`
	Classification string `query:"classification"`
	// Sort is name (default), stale (closest to or furthest past its SLA
	// first), reads (most read first) or size (largest first); products
	// without the figure come last.
	Sort    string `query:"sort"`
	Page    int    `query:"page"`
	PerPage int    `query:"per_page"`
}

// ProductSorts are the product list's orders.
func ProductSorts() []string { return []string{"name", "stale", "reads", "size", "score"} }

// Normalize trims the filter and clamps paging to sane bounds.
func (f *ProductFilter) Normalize() {
	f.Q = strings.TrimSpace(f.Q)
	if utf8.RuneCountInString(f.Q) > 200 {
		f.Q = string([]rune(f.Q)[:200]) // whole characters: a cut one is invalid text
	}
	f.Domain = strings.ToLower(strings.TrimSpace(f.Domain))
	f.Status = strings.ToLower(strings.TrimSpace(f.Status))
	f.Classification = strings.ToLower(strings.TrimSpace(f.Classification))
	f.Sort = strings.ToLower(strings.TrimSpace(f.Sort))
	if f.Sort == "name" {
		f.Sort = ""
	}
	if f.Page < 1 {
		f.Page = 1
	}
	switch {
	case f.PerPage < 1:
		f.PerPage = 50
	case f.PerPage > 100:
		f.PerPage = 100
	}
}

// Validate reports filter values that cannot match anything.
func (f *ProductFilter) Validate() FieldErrors {
	errs := FieldErrors{}
	if f.Status != "" && !oneOf(f.Status, Statuses()) {
		errs.Add("status", "Unknown status; use one of: "+strings.Join(Statuses(), ", ")+".")
	}
	if f.Classification != "" && !oneOf(f.Classification, Classifications()) {
		errs.Add("classification", "Unknown classification; use one of: "+strings.Join(Classifications(), ", ")+".")
	}
	if f.Sort != "" && !oneOf(f.Sort, ProductSorts()) {
		errs.Add("sort", "Sort by one of: "+strings.Join(ProductSorts(), ", ")+".")
	}
	return errs
}

// ProductPage is one page of a filtered product list.
type ProductPage struct {
	Items   []Product
	Total   int64
	Page    int
	PerPage int
	// Domains lists every domain by name, for filter menus, from the same
	// snapshot as Items.
	Domains []Domain
}

// Pages is the number of pages (at least 1).
func (p ProductPage) Pages() int {
	if p.Total == 0 {
		return 1
	}
	return int((p.Total + int64(p.PerPage) - 1) / int64(p.PerPage))
}

// ListProducts returns one page of products matching f, by name, each with
// its domain (output ports are not loaded). It reads the in-memory catalog.
func (s *Store) ListProducts(ctx context.Context, f ProductFilter) (ProductPage, error) {
	f.Normalize()
	snap, err := s.catalog(ctx)
	if err != nil {
		return ProductPage{Page: f.Page, PerPage: f.PerPage}, err
	}
	page := snap.filter(f)
	page.Domains = snap.domains
	return page, nil
}

// GetProduct finds a product by its domain's slug and its own, with its
// domain and output ports.
func (s *Store) GetProduct(ctx context.Context, domainSlug, slug string) (*Product, error) {
	return getProduct(s.db.WithContext(ctx), domainSlug, slug)
}

func getProduct(tx *gorm.DB, domainSlug, slug string) (*Product, error) {
	var p Product
	err := tx.Joins("Domain").
		Preload("OutputPorts", func(db *gorm.DB) *gorm.DB { return db.Order("position") }).
		Preload("OutputPorts.Source").
		Where(`"Domain".slug = ? AND products.slug = ?`, domainSlug, slug).Take(&p).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, Errorf(ENOTFOUND, "There is no data product %s/%s.", truncate(domainSlug, 63), truncate(slug, 63))
	}
	return &p, internal("get product", err)
}

// productForChange loads a product inside a write transaction and checks
// that p may change it. On PostgreSQL it first locks the row, so two
// concurrent changes of one product queue instead of the second silently
// overwriting the first; SQLite write transactions are serial already.
func productForChange(tx *gorm.DB, p Principal, domainSlug, slug, verb string) (*Product, error) {
	if tx.Dialector.Name() == "postgres" {
		err := tx.Exec(`SELECT 1 FROM products p JOIN domains d ON d.id = p.domain_id
			WHERE d.slug = ? AND p.slug = ? FOR UPDATE OF p`, domainSlug, slug).Error
		if err != nil {
			return nil, err
		}
	}
	prod, err := getProduct(tx, domainSlug, slug)
	if err != nil {
		return nil, err
	}
	if !p.CanManageProducts(prod.Domain) {
		return nil, Errorf(EFORBIDDEN, "Only admins and the owners of %s can %s its products.", prod.Domain.Name, verb)
	}
	return prod, nil
}

// CheckProduct normalizes and validates in, including the domain's existence
// and slug uniqueness; current is the product being edited (nil when creating).
// It returns the target domain when it exists.
func (s *Store) CheckProduct(ctx context.Context, in *ProductInput, current *Product) (*Domain, FieldErrors) {
	return checkProduct(s.db.WithContext(ctx), in, current)
}

func checkProduct(tx *gorm.DB, in *ProductInput, current *Product) (*Domain, FieldErrors) {
	in.Normalize()
	errs := in.Validate()
	var domain *Domain
	if in.Domain != "" {
		d, err := getDomain(tx, in.Domain)
		switch {
		case ErrorCode(err) == ENOTFOUND:
			errs.Add("domain", "There is no domain \u201c"+truncate(in.Domain, 63)+"\u201d.")
		case err != nil:
			errs.Add("domain", "Could not look up the domain; try again.")
		case d.Status == DomainRetired && (current == nil || current.DomainID != d.ID):
			errs.Add("domain", d.Name+" is retired and takes no new products.")
		default:
			domain = d
		}
	}
	if current == nil {
		if in.Status != StatusDraft && in.Status != StatusActive {
			errs.Add("status", "A new product starts as draft or active.")
		}
	} else if !CanTransition(current.Status, in.Status) {
		errs.Add("status", transitionMessage(current.Status, in.Status))
	}
	for i := range in.OutputPorts {
		port := &in.OutputPorts[i]
		if port.Source == "" {
			continue
		}
		src, err := getSource(tx, port.Source)
		if err != nil {
			errs.Add(fmt.Sprintf("output_ports[%d].source", i), "There is no source \u201c"+truncate(port.Source, 63)+"\u201d.")
			continue
		}
		port.source = src
	}
	if _, bad := errs["slug"]; !bad && domain != nil {
		var currentID uint
		if current != nil {
			currentID = current.ID
		}
		var n int64
		if err := tx.Model(&Product{}).Where("domain_id = ? AND slug = ? AND id <> ?", domain.ID, in.Slug, currentID).Count(&n).Error; err != nil {
			errs.Add("slug", "Could not check whether the slug is free; try again.")
		} else if n > 0 {
			errs.Add("slug", msgProductSlugTaken)
		}
	}
	return domain, errs
}

func transitionMessage(from, to string) string {
	article := "A "
	if strings.IndexAny(from, "aeiou") == 0 {
		article = "An " // "An active product", not "A active product"
	}
	allowed := AllowedTransitions(from)
	if len(allowed) == 0 {
		return article + from + " product cannot change status."
	}
	return article + from + " product can only become " + strings.Join(allowed, " or ") + ", not " + to + "."
}

// CreateProduct registers a data product in one of the principal's domains.
func (s *Store) CreateProduct(ctx context.Context, p Principal, in ProductInput) (*Product, error) {
	var prod *Product
	err := s.writeCatalog(ctx, func(tx *gorm.DB) error {
		var err error
		prod, err = s.createProductIn(tx, p, in)
		return err
	})
	if errors.Is(err, gorm.ErrDuplicatedKey) { // lost a race with another writer
		return nil, slugTaken(msgProductSlugTaken)
	}
	return prod, internal("create product", err)
}

// createProductIn is CreateProduct inside tx (a catalog write), for writes
// of several products that succeed or fail together.
func (s *Store) createProductIn(tx *gorm.DB, p Principal, in ProductInput) (*Product, error) {
	if err := lockDomainShared(tx, in.Domain); err != nil {
		return nil, err
	}
	domain, errs := checkProduct(tx, &in, nil)
	if domain != nil && !p.CanManageProducts(domain) {
		return nil, Errorf(EFORBIDDEN, "Only admins and the owners of %s can add products to it.", domain.Name)
	}
	if err := errs.Err(); err != nil {
		return nil, conflictIfTaken(err)
	}
	prod := &Product{DomainID: domain.ID, Domain: domain}
	prod.apply(in)
	if err := tx.Omit("Domain", "OutputPorts").Create(prod).Error; err != nil {
		return nil, err
	}
	if err := savePorts(tx, prod); err != nil {
		return nil, err
	}
	if _, err := refreshHealth(tx, []uint{prod.ID}, s.now()); err != nil {
		return nil, err
	}
	if err := s.reevaluate(tx, p, findingScopeOfPorts(prod.ID, prod.OutputPorts)); err != nil {
		return nil, err
	}
	if err := s.audit(tx, p, "created", "product", prod.ID, domain.Slug+"/"+prod.Slug, nil, prod.auditFields()); err != nil {
		return nil, err
	}
	if err := indexProducts(tx, s.now(), []uint{prod.ID}); err != nil {
		return nil, err
	}
	return prod, s.judgeSave(tx, prod)
}

// UpdateProduct changes a product; moving it to another domain needs rights
// in both.
func (s *Store) UpdateProduct(ctx context.Context, p Principal, domainSlug, slug string, in ProductInput) (*Product, error) {
	return s.changeProduct(ctx, p, domainSlug, slug, func(*Product) (ProductInput, error) { return in, nil })
}

// PatchProduct applies patch to the product's current fields inside the
// write transaction, so two clients patching different fields both keep
// theirs.
func (s *Store) PatchProduct(ctx context.Context, p Principal, domainSlug, slug string, patch func(*ProductInput) error) (*Product, error) {
	return s.changeProduct(ctx, p, domainSlug, slug, func(cur *Product) (ProductInput, error) {
		in := cur.Input()
		return in, patch(&in)
	})
}

func (s *Store) changeProduct(ctx context.Context, p Principal, domainSlug, slug string, change func(*Product) (ProductInput, error)) (*Product, error) {
	var prod *Product
	err := s.writeCatalog(ctx, func(tx *gorm.DB) error {
		var err error
		prod, err = s.changeProductIn(tx, p, domainSlug, slug, change)
		return err
	})
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return nil, slugTaken(msgProductSlugTaken)
	}
	return prod, internal("update product", err)
}

// changeProductIn is changeProduct inside tx (a catalog write).
func (s *Store) changeProductIn(tx *gorm.DB, p Principal, domainSlug, slug string, change func(*Product) (ProductInput, error)) (*Product, error) {
	prod, err := productForChange(tx, p, domainSlug, slug, "edit")
	if err != nil {
		return nil, err
	}
	in, err := change(prod)
	if err != nil {
		return nil, err
	}
	if err := lockDomainShared(tx, in.Domain); err != nil {
		return nil, err
	}
	domain, errs := checkProduct(tx, &in, prod)
	if domain != nil && domain.ID != prod.DomainID && !p.CanManageProducts(domain) {
		return nil, Errorf(EFORBIDDEN, "Only admins and the owners of %s can move products into it.", domain.Name)
	}
	if err := errs.Err(); err != nil {
		return nil, conflictIfTaken(err)
	}
	before := prod.auditFields()
	portsBefore := append([]OutputPort(nil), prod.OutputPorts...)
	prod.apply(in)
	prod.DomainID, prod.Domain = domain.ID, domain
	if err := tx.Omit("Domain", "OutputPorts").Save(prod).Error; err != nil {
		return nil, err
	}
	if err := savePorts(tx, prod); err != nil {
		return nil, err
	}
	if _, err := refreshHealth(tx, []uint{prod.ID}, s.now()); err != nil {
		return nil, err
	}
	if err := s.reevaluate(tx, p, findingScopeOfPorts(prod.ID, portsBefore, prod.OutputPorts)); err != nil {
		return nil, err
	}
	if err := touchFindings(tx); err != nil { // findings link to its slug
		return nil, err
	}
	if err := s.audit(tx, p, "updated", "product", prod.ID, domain.Slug+"/"+prod.Slug, before, prod.auditFields()); err != nil {
		return nil, err
	}
	if err := indexProducts(tx, s.now(), []uint{prod.ID}); err != nil {
		return nil, err
	}
	return prod, s.judgeSave(tx, prod)
}

// savePorts replaces the product's output ports with prod.OutputPorts.
func savePorts(tx *gorm.DB, prod *Product) error {
	if err := tx.Where("product_id = ?", prod.ID).Delete(&OutputPort{}).Error; err != nil {
		return err
	}
	if len(prod.OutputPorts) == 0 {
		return nil
	}
	for i := range prod.OutputPorts {
		prod.OutputPorts[i].ID = 0
		prod.OutputPorts[i].ProductID = prod.ID
	}
	return tx.Omit("Source").Create(&prod.OutputPorts).Error
}

// SetProductStatus moves a product along its lifecycle (retire, deprecate,
// activate) if the transition is allowed.
func (s *Store) SetProductStatus(ctx context.Context, p Principal, domainSlug, slug, status string) (*Product, error) {
	status = strings.ToLower(strings.TrimSpace(status))
	var prod *Product
	err := s.writeCatalog(ctx, func(tx *gorm.DB) error {
		var err error
		if prod, err = productForChange(tx, p, domainSlug, slug, "change"); err != nil {
			return err
		}
		if !oneOf(status, Statuses()) {
			return &Error{Code: EINVALID, Message: "Unknown status.", Fields: FieldErrors{"status": "Choose one of: " + strings.Join(Statuses(), ", ") + "."}}
		}
		if !CanTransition(prod.Status, status) {
			msg := transitionMessage(prod.Status, status)
			return &Error{Code: ECONFLICT, Message: msg, Fields: FieldErrors{"status": msg}}
		}
		if prod.Status == status {
			return nil
		}
		before := prod.auditFields()
		prod.Status = status
		// Omit the loaded domain and ports: GORM would upsert them, bringing
		// back ports a concurrent edit just replaced.
		if err := tx.Model(prod).Omit(clause.Associations).Update("status", status).Error; err != nil {
			return err
		}
		// A retired product owns nothing and is judged no more.
		if err := s.reevaluate(tx, p, findingScopeOfPorts(prod.ID, prod.OutputPorts)); err != nil {
			return err
		}
		if err := s.audit(tx, p, "status changed", "product", prod.ID, domainSlug+"/"+slug, before, prod.auditFields()); err != nil {
			return err
		}
		if err := indexProducts(tx, s.now(), []uint{prod.ID}); err != nil {
			return err
		}
		return s.judgeSave(tx, prod)
	})
	return prod, internal("set product status", err)
}

// DeleteProduct deletes a draft or retired product; live products are
// deprecated and retired first so their consumers get notice.
func (s *Store) DeleteProduct(ctx context.Context, p Principal, domainSlug, slug string) error {
	err := s.writeCatalog(ctx, func(tx *gorm.DB) error {
		prod, err := productForChange(tx, p, domainSlug, slug, "delete")
		if err != nil {
			return err
		}
		if prod.Status != StatusDraft && prod.Status != StatusRetired {
			return Errorf(ECONFLICT, "%s is %s. Only draft or retired products can be deleted; deprecate and retire it first.", prod.Name, prod.Status)
		}
		if err := tx.Where("product_id = ?", prod.ID).Delete(&OutputPort{}).Error; err != nil {
			return err
		}
		if err := tx.Delete(prod).Error; err != nil {
			return err
		}
		if scope := findingScopeOfPorts(prod.ID, prod.OutputPorts); scope.ports != nil {
			scope.products = nil // its own findings went with it
			if err := s.reevaluate(tx, p, scope); err != nil {
				return err
			}
		}
		if err := touchFindings(tx); err != nil {
			return err
		}
		return s.audit(tx, p, "deleted", "product", prod.ID, domainSlug+"/"+slug, prod.auditFields(), nil)
	})
	return internal("delete product", err)
}

// Dashboard holds the home page's counts.
type Dashboard struct {
	Domains  []DomainSummary
	ByStatus map[string]int64
	Total    int64
}

// Dashboard counts products by domain and status.
func (s *Store) Dashboard(ctx context.Context) (Dashboard, error) {
	domains, err := s.ListDomains(ctx)
	if err != nil {
		return Dashboard{}, err
	}
	dash := Dashboard{Domains: domains, ByStatus: map[string]int64{}}
	for _, d := range domains {
		for st, n := range d.ProductsByStat {
			dash.ByStatus[st] += n
			dash.Total += n
		}
	}
	return dash, nil
}
