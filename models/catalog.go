package models

import (
	"context"
	"database/sql"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"gorm.io/gorm"
)

// The catalog is an in-memory read model of all domains and products, for
// the pages everybody opens all the time (product list, filters, home
// counts). Scanning 10,000 rows per request in SQL costs milliseconds; the
// same filter over memory costs microseconds.
//
// It stays correct across replicas: every write transaction that changes a
// domain or product bumps catalog_versions.version, and each read compares
// that one-row counter with the snapshot's version and reloads when they
// differ. A reader therefore never sees data older than its request.

// catalogCache holds the current snapshot; loads are serialised so a burst
// of readers after a write triggers one reload.
type catalogCache struct {
	snapshot atomic.Pointer[catalogSnapshot]
	loading  sync.Mutex
}

type catalogSnapshot struct {
	version  int64
	domains  []Domain         // by name
	byID     map[uint]*Domain // into domains
	bySlug   map[string]*Domain
	products []Product // by name, then id; Domain set, OutputPorts not loaded
	// entries mirrors products with just what filters test, packed small so
	// a scan of 10,000 stays in the CPU cache.
	entries []catalogEntry
	counts  map[uint]map[string]int64
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

// bumpCatalog marks the catalog changed inside the caller's transaction.
func bumpCatalog(tx *gorm.DB) error {
	return tx.Exec("UPDATE catalog_versions SET version = version + 1 WHERE id = 1").Error
}

// catalog returns a snapshot at least as new as the database's version.
func (s *Store) catalog(ctx context.Context) (*catalogSnapshot, error) {
	// Plain database/sql: this runs on every list request, and GORM's
	// machinery would cost more than the query.
	hot, err := s.statements(ctx)
	if err != nil {
		return nil, internal("prepare", err)
	}
	var version int64
	if err := hot.catalogVersion.QueryRowContext(ctx).Scan(&version); err != nil {
		return nil, internal("catalog version", err)
	}
	if snap := s.cat.snapshot.Load(); snap != nil && snap.version >= version {
		return snap, nil
	}
	s.cat.loading.Lock()
	defer s.cat.loading.Unlock()
	if snap := s.cat.snapshot.Load(); snap != nil && snap.version >= version {
		return snap, nil // another reader loaded it while we waited
	}
	snap, err := s.loadCatalog(ctx)
	if err != nil {
		return nil, err
	}
	s.cat.snapshot.Store(snap)
	return snap, nil
}

// loadCatalog reads the version, domains and products from one consistent
// database snapshot.
func (s *Store) loadCatalog(ctx context.Context) (*catalogSnapshot, error) {
	opts := &sql.TxOptions{ReadOnly: true}
	if s.Dialect() == "postgres" {
		opts.Isolation = sql.LevelRepeatableRead // one snapshot for all three reads
	}
	snap := &catalogSnapshot{}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Raw("SELECT version FROM catalog_versions WHERE id = 1").Scan(&snap.version).Error; err != nil {
			return err
		}
		if err := tx.Order("name, id").Find(&snap.domains).Error; err != nil {
			return err
		}
		return tx.Omit("search_text").Find(&snap.products).Error
	}, opts)
	if err != nil {
		return nil, internal("load catalog", err)
	}
	snap.byID = make(map[uint]*Domain, len(snap.domains))
	snap.bySlug = make(map[string]*Domain, len(snap.domains))
	snap.counts = make(map[uint]map[string]int64, len(snap.domains))
	for i := range snap.domains {
		d := &snap.domains[i]
		snap.byID[d.ID], snap.bySlug[d.Slug] = d, d
		snap.counts[d.ID] = map[string]int64{}
	}
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
		p.SearchText = searchText(p)
		snap.counts[p.DomainID][p.Status]++
		snap.entries[i] = catalogEntry{domainID: uint32(p.DomainID), status: code(p.Status, statuses), class: code(p.Classification, classes), search: p.SearchText}
	}
	snap.matches = map[ProductFilter][]int32{}
	return snap, nil
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
	key := ProductFilter{Q: strings.ToLower(f.Q), Domain: f.Domain, Status: f.Status, Classification: f.Classification}
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
	snap.matchesMu.Lock()
	if len(snap.matches) >= maxRememberedFilters {
		clear(snap.matches) // crude but bounded; a new snapshot starts empty anyway
	}
	snap.matches[key] = matches
	snap.matchesMu.Unlock()
	return matches
}
