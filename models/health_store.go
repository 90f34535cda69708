package models

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"gorm.io/gorm"
)

// refreshHealth recomputes the health summary of the given products from
// the crawled assets at their ports, inside tx, and writes the ones that
// changed; it reports how many did.
func refreshHealth(tx *gorm.DB, productIDs []uint, now time.Time) (int, error) {
	if len(productIDs) == 0 {
		return 0, nil
	}
	var stored []struct {
		ID     uint
		Health string
	}
	if err := tx.Model(&Product{}).Select("id, health").Where("id IN ?", productIDs).Scan(&stored).Error; err != nil {
		return 0, err
	}
	current := make(map[uint]string, len(stored))
	for _, p := range stored {
		current[p.ID] = p.Health
	}
	var ports []OutputPort
	if err := tx.Where("product_id IN ? AND source_id IS NOT NULL", productIDs).Order("product_id, position").Find(&ports).Error; err != nil {
		return 0, err
	}
	var sourceIDs []uint
	var keys []string
	for _, p := range ports {
		sourceIDs, keys = append(sourceIDs, *p.SourceID), append(keys, p.Location)
	}
	var found []Asset
	if len(ports) > 0 {
		if err := tx.Where("source_id IN ? AND key IN ?", sourceIDs, keys).Find(&found).Error; err != nil {
			return 0, err
		}
	}
	type assetKey struct {
		source uint
		key    string
	}
	byKey := make(map[assetKey]Asset, len(found))
	for _, a := range found {
		byKey[assetKey{a.SourceID, a.Key}] = a
	}
	byProduct := make(map[uint][]OutputPort, len(productIDs))
	for _, p := range ports {
		byProduct[p.ProductID] = append(byProduct[p.ProductID], p)
	}
	changed := 0
	for _, id := range productIDs {
		linked := byProduct[id]
		assets := map[int]Asset{}
		for i, p := range linked {
			if a, ok := byKey[assetKey{*p.SourceID, p.Location}]; ok {
				assets[i] = a
			}
		}
		summary := HealthOf(&Product{OutputPorts: linked}, assets, now).Summary()
		b, err := json.Marshal(summary)
		if err != nil {
			return 0, err
		}
		if string(b) == current[id] {
			continue
		}
		if err := tx.Model(&Product{}).Where("id = ?", id).UpdateColumn("health", string(b)).Error; err != nil {
			return 0, err
		}
		changed++
	}
	return changed, nil
}

// errHealthUnchanged rolls back a refresh that changed nothing, so the
// catalog version does not move and no replica reloads its catalog.
var errHealthUnchanged = errors.New("health unchanged")

// RefreshSourceHealth recomputes the health of the products whose ports
// name the source, after a crawl of it; the lists see it at once.
func (s *Store) RefreshSourceHealth(ctx context.Context, sourceID uint) error {
	var ids []uint
	if err := s.db.WithContext(ctx).Model(&OutputPort{}).Distinct("product_id").Where("source_id = ?", sourceID).Pluck("product_id", &ids).Error; err != nil {
		return internal("products of source", err)
	}
	if len(ids) == 0 {
		return nil
	}
	err := s.writeCatalog(ctx, func(tx *gorm.DB) error {
		n, err := refreshHealth(tx, ids, s.now())
		if err == nil && n == 0 {
			return errHealthUnchanged
		}
		return err
	})
	if errors.Is(err, errHealthUnchanged) {
		return nil
	}
	return internal("refresh health", err)
}

// HealthCounts sums the health of a set of products.
type HealthCounts struct {
	// Products in service (active and deprecated) by freshness, as the
	// stale-product findings judge them.
	Fresh, Stale, Unknown, NoSLA, NotCrawled int
	// NotInService counts drafts and retired products: no SLA is in force
	// for them, so they are not judged.
	NotInService int
	SizeBytes    int64 // of every product
	// StaleProducts are the stale ones, longest overdue first (at most 10).
	StaleProducts []Product
}

// DomainHealth counts the domain's products in service by freshness, from
// the catalog; an empty slug counts every domain's.
func (s *Store) DomainHealth(ctx context.Context, domainSlug string, now time.Time) (HealthCounts, error) {
	snap, err := s.catalog(ctx)
	if err != nil {
		return HealthCounts{}, err
	}
	key := healthKey{snap, domainSlug}
	if c, ok := memoGet(&s.dashboard.mu, s.dashboard.counts, key, now); ok {
		return c, nil
	}
	c, err := countHealth(snap, domainSlug, now)
	if err == nil {
		memoPut(&s.dashboard.mu, s.dashboard.counts, key, c, now.Add(healthMemoFor))
	}
	return c, err
}

func countHealth(snap *catalogSnapshot, domainSlug string, now time.Time) (HealthCounts, error) {
	var domainID uint
	if domainSlug != "" {
		d, ok := snap.bySlug[domainSlug]
		if !ok {
			return HealthCounts{}, Errorf(ENOTFOUND, "There is no domain %q.", truncate(domainSlug, 63))
		}
		domainID = d.ID
	}
	var c HealthCounts
	// The 10 longest overdue, kept as the scan goes: sorting and copying
	// every stale product (thousands in a big portal) cost the home page
	// most of its time.
	var overdue []*Product
	for i := range snap.products {
		p := &snap.products[i]
		if domainID != 0 && p.DomainID != domainID {
			continue
		}
		if p.Health.SizeBytes != nil {
			c.SizeBytes += *p.Health.SizeBytes
		}
		if p.Status != StatusActive && p.Status != StatusDeprecated {
			c.NotInService++
			continue
		}
		if p.Health.Ports == 0 {
			c.NotCrawled++
			continue
		}
		switch p.FreshnessAt(now) {
		case Fresh:
			c.Fresh++
		case Stale:
			c.Stale++
			overdue = keepLongestOverdue(overdue, p, 10)
		case NoSLA:
			c.NoSLA++
		default:
			c.Unknown++
		}
	}
	for _, p := range overdue {
		c.StaleProducts = append(c.StaleProducts, *p)
	}
	return c, nil
}

// keepLongestOverdue inserts p into list (longest overdue first, at most n),
// keeping the catalog's order among equals.
func keepLongestOverdue(list []*Product, p *Product, n int) []*Product {
	at := p.StaleAt()
	i := len(list)
	for i > 0 && at.Before(list[i-1].StaleAt()) {
		i--
	}
	if i >= n {
		return list
	}
	list = append(list, nil)
	copy(list[i+1:], list[i:])
	list[i] = p
	if len(list) > n {
		list = list[:n]
	}
	return list
}
