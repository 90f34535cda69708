package models

import (
	"context"
	"encoding/json"
	"sort"
	"strings"
	"sync"

	"gorm.io/gorm"
)

// The catalog is an in-memory read model of all domains and products, for
// the pages everybody opens all the time (product list, filters, home
// counts). Scanning 10,000 rows per request in SQL costs milliseconds; the
// same filter over memory costs microseconds. It is a versioned cache (see
// versioned_cache.go) on catalog_versions row 1.

type catalogSnapshot struct {
	domains  []Domain         // by name
	byID     map[uint]*Domain // into domains
	bySlug   map[string]*Domain
	products []Product // by name, then id; Domain set, OutputPorts not loaded
	// entries mirrors products with just what filters test, packed small so
	// a scan of 10,000 stays in the CPU cache.
	entries []catalogEntry
	counts  map[uint]map[string]int64
	// compliance is each domain's mean policy score, rounded half up (the
	// domain list and the dashboard show it on every request).
	compliance map[uint]*int
	// matches remembers the positions matching recent filters, so paging
	// through a result or reloading a shared address does not scan again.
	matchesMu sync.Mutex
	matches   map[ProductFilter][]int32
}

type catalogEntry struct {
	domainID uint32
	status   uint8
	class    uint8
	search   string
}

const maxRememberedFilters = 256

// code is the position of v in set plus one, or 0 when v is not in it.
func code(v string, set []string) uint8 {
	for i, s := range set {
		if s == v {
			return uint8(i + 1)
		}
	}
	return 0
}

// writeCatalog runs fn in a transaction that also bumps the catalog version,
// and after the commit makes this process's next read reload. It takes the
// findings lock first, as catalog writes re-evaluate findings.
func (s *Store) writeCatalog(ctx context.Context, fn func(tx *gorm.DB) error) error {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lockFindings(tx); err != nil {
			return err
		}
		if err := fn(tx); err != nil {
			return err
		}
		return bumpVersion(tx, catalogVersionRow)
	})
	if err == nil {
		s.cat.wrote()
		s.findings.wrote() // product and domain writes re-evaluate their findings
	}
	return err
}

// WarmCatalog loads the catalog now, so the first visitor after a start does
// not wait for it.
func (s *Store) WarmCatalog(ctx context.Context) error {
	_, err := s.catalog(ctx)
	return err
}

// catalog returns a snapshot at least as new as the database's version.
func (s *Store) catalog(ctx context.Context) (*catalogSnapshot, error) {
	return s.cat.get(ctx, s.versionReader(catalogVersionRow), s.loadCatalog)
}

// bumpVersion marks a versioned cache's tables as changed, inside tx.
func bumpVersion(tx *gorm.DB, row int) error {
	return tx.Exec("UPDATE catalog_versions SET version = version + 1 WHERE id = ?", row).Error
}

// versionReader reads a row of catalog_versions with plain database/sql:
// this runs on every list request, and GORM's machinery would cost more
// than the query.
func (s *Store) versionReader(row int) func(context.Context) (int64, error) {
	return func(ctx context.Context) (int64, error) {
		hot, err := s.statements(ctx)
		if err != nil {
			return 0, internal("prepare", err)
		}
		var version int64
		if err := hot.version.QueryRowContext(ctx, row).Scan(&version); err != nil {
			return 0, internal("catalog version", err)
		}
		return version, nil
	}
}

// loadCatalog reads the version first, then domains and products. Data
// read after the version is at least that new, so the snapshot is never
// older than its version says; a write in between only causes one more
// reload later. Products are read with plain database/sql: GORM's
// reflection triples the time of this, the one big read in the portal.
func (s *Store) loadCatalog(ctx context.Context) (*catalogSnapshot, int64, error) {
	snap := &catalogSnapshot{}
	var version int64
	if err := s.sqlDB.QueryRowContext(ctx, "SELECT version FROM catalog_versions WHERE id = 1").Scan(&version); err != nil {
		return nil, 0, internal("catalog version", err)
	}
	if err := s.db.WithContext(ctx).Find(&snap.domains).Error; err != nil {
		return nil, 0, internal("load domains", err)
	}
	var err error
	if snap.products, err = s.loadProducts(ctx); err != nil {
		return nil, 0, internal("load products", err)
	}
	sort.Slice(snap.domains, func(i, j int) bool {
		a, b := &snap.domains[i], &snap.domains[j]
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.ID < b.ID
	})
	snap.byID = make(map[uint]*Domain, len(snap.domains))
	snap.bySlug = make(map[string]*Domain, len(snap.domains))
	snap.counts = make(map[uint]map[string]int64, len(snap.domains))
	for i := range snap.domains {
		d := &snap.domains[i]
		snap.byID[d.ID], snap.bySlug[d.Slug] = d, d
		snap.counts[d.ID] = map[string]int64{}
	}
	// A product whose domain was created after the domains were read is left
	// out: it is newer than snap.version, so the next check reloads anyway.
	known := snap.products[:0]
	for _, p := range snap.products {
		if snap.byID[p.DomainID] != nil {
			known = append(known, p)
		}
	}
	snap.products = known
	// Go's byte order, so SQLite and PostgreSQL (whose collations differ) list alike.
	sort.Slice(snap.products, func(i, j int) bool {
		a, b := &snap.products[i], &snap.products[j]
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.ID < b.ID
	})
	statuses, classes := Statuses(), Classifications()
	snap.entries = make([]catalogEntry, len(snap.products))
	for i := range snap.products {
		p := &snap.products[i]
		p.Domain = snap.byID[p.DomainID]
		snap.counts[p.DomainID][p.Status]++
		snap.entries[i] = catalogEntry{domainID: uint32(p.DomainID), status: code(p.Status, statuses), class: code(p.Classification, classes), search: p.SearchText}
	}
	snap.compliance = domainCompliance(snap.products)
	snap.matches = map[ProductFilter][]int32{}
	return snap, version, nil
}

// filter returns one page of the products matching f and the total count.
func (snap *catalogSnapshot) filter(f ProductFilter) ProductPage {
	matches := snap.match(f)
	page := ProductPage{Page: f.Page, PerPage: f.PerPage, Total: int64(len(matches))}
	first := (f.Page - 1) * f.PerPage
	if n := min(f.PerPage, len(matches)-first); n > 0 {
		page.Items = make([]Product, 0, n)
	}
	for i := first; i >= 0 && i < len(matches) && len(page.Items) < f.PerPage; i++ {
		page.Items = append(page.Items, snap.products[matches[i]])
	}
	return page
}

// match returns the positions of the products matching f's criteria.
func (snap *catalogSnapshot) match(f ProductFilter) []int32 {
	key := ProductFilter{Q: strings.ToLower(f.Q), Domain: f.Domain, Status: f.Status, Classification: f.Classification, Sort: f.Sort}
	snap.matchesMu.Lock()
	matches, ok := snap.matches[key]
	snap.matchesMu.Unlock()
	if ok {
		return matches
	}
	var domainID uint32
	if f.Domain != "" {
		d, ok := snap.bySlug[f.Domain]
		if !ok {
			return nil
		}
		domainID = uint32(d.ID)
	}
	status, class := code(f.Status, Statuses()), code(f.Classification, Classifications())
	matches = []int32{}
	for i := range snap.entries {
		e := &snap.entries[i]
		if (domainID != 0 && e.domainID != domainID) || (status != 0 && e.status != status) ||
			(class != 0 && e.class != class) || (key.Q != "" && !strings.Contains(e.search, key.Q)) {
			continue
		}
		matches = append(matches, int32(i))
	}
	snap.sortMatches(matches, f.Sort)
	snap.matchesMu.Lock()
	if len(snap.matches) >= maxRememberedFilters {
		clear(snap.matches) // crude but bounded; a new snapshot starts empty anyway
	}
	snap.matches[key] = matches
	snap.matchesMu.Unlock()
	return matches
}

// sortMatches orders matching positions (by name already) by a health
// figure; a stable sort keeps name order among equals, and products without
// the figure go last. "stale" orders by the moment the SLA breaks, which
// does not move with the clock, so a remembered order stays right.
func (snap *catalogSnapshot) sortMatches(matches []int32, by string) {
	if by == "" {
		return
	}
	key := func(i int32) (float64, bool) {
		p := &snap.products[i]
		switch by {
		case "stale":
			if at := p.StaleAt(); !at.IsZero() {
				return float64(at.Unix()), true
			}
		case "reads":
			if p.Health.ReadsPerDay != nil {
				return -*p.Health.ReadsPerDay, true
			}
		case "size":
			if p.Health.SizeBytes != nil {
				return -float64(*p.Health.SizeBytes), true
			}
		case "score": // lowest first: what needs work comes up
			if p.PolicyScore != nil {
				return float64(*p.PolicyScore), true
			}
		}
		return 0, false
	}
	sort.SliceStable(matches, func(a, b int) bool {
		ka, oka := key(matches[a])
		kb, okb := key(matches[b])
		if oka != okb {
			return oka
		}
		return oka && ka < kb
	})
}

// loadProducts reads every product without output ports.
func (s *Store) loadProducts(ctx context.Context) ([]Product, error) {
	var n int
	if err := s.sqlDB.QueryRowContext(ctx, "SELECT count(*) FROM products").Scan(&n); err != nil {
		return nil, err
	}
	rows, err := s.sqlDB.QueryContext(ctx, `SELECT id, domain_id, slug, name, owner, description, purpose, status,
		classification, contains_pii, tags, freshness_sla_minutes, search_text, created_at, updated_at, health,
		policy_score, policy_level FROM products`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	products := make([]Product, 0, n+n/8)
	for rows.Next() {
		var p Product
		var health string
		if err := rows.Scan(&p.ID, &p.DomainID, &p.Slug, &p.Name, &p.Owner, &p.Description, &p.Purpose, &p.Status,
			&p.Classification, &p.ContainsPII, &p.Tags, &p.FreshnessSLA, &p.SearchText, &p.CreatedAt, &p.UpdatedAt, &health,
			&p.PolicyScore, &p.PolicyLevel); err != nil {
			return nil, err
		}
		if health != "{}" && health != "" {
			_ = json.Unmarshal([]byte(health), &p.Health) // written by refreshHealth; a bad value shows as unknown
		}
		products = append(products, p)
	}
	return products, rows.Err()
}

// domainCompliance is the mean policy score of each domain's scored
// products, rounded half up; a domain with none has no entry.
func domainCompliance(products []Product) map[uint]*int {
	type scoreSum struct{ sum, n int64 }
	sums := map[uint]scoreSum{}
	for i := range products {
		if p := &products[i]; p.PolicyScore != nil {
			sc := sums[p.DomainID]
			sc.sum += int64(*p.PolicyScore)
			sc.n++
			sums[p.DomainID] = sc
		}
	}
	out := make(map[uint]*int, len(sums))
	for id, sc := range sums {
		mean := int((sc.sum*2 + sc.n) / (sc.n * 2))
		out[id] = &mean
	}
	return out
}
