package models

import (
	"context"
	"encoding/json"
	"sort"
	"time"

	"gorm.io/gorm"
)

// refreshHealth recomputes the health summary of the given products from
// the crawled assets at their ports, inside tx.
func refreshHealth(tx *gorm.DB, productIDs []uint, now time.Time) error {
	if len(productIDs) == 0 {
		return nil
	}
	var ports []OutputPort
	if err := tx.Where("product_id IN ? AND source_id IS NOT NULL", productIDs).Order("product_id, position").Find(&ports).Error; err != nil {
		return err
	}
	var sourceIDs []uint
	var keys []string
	for _, p := range ports {
		sourceIDs, keys = append(sourceIDs, *p.SourceID), append(keys, p.Location)
	}
	var found []Asset
	if len(ports) > 0 {
		if err := tx.Where("source_id IN ? AND key IN ?", sourceIDs, keys).Find(&found).Error; err != nil {
			return err
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
			return err
		}
		if err := tx.Model(&Product{}).Where("id = ?", id).UpdateColumn("health", string(b)).Error; err != nil {
			return err
		}
	}
	return nil
}

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
	return internal("refresh health", s.writeCatalog(ctx, func(tx *gorm.DB) error { return refreshHealth(tx, ids, s.now()) }))
}

// HealthCounts sums the health of a set of products.
type HealthCounts struct {
	Fresh, Stale, Unknown, NoSLA, NotCrawled int
	SizeBytes                                int64
	// StaleProducts are the stale ones, longest overdue first (at most 10).
	StaleProducts []Product
}

// DomainHealth counts the domain's products by freshness, from the
// catalog; an empty slug counts every product.
func (s *Store) DomainHealth(ctx context.Context, domainSlug string, now time.Time) (HealthCounts, error) {
	snap, err := s.catalog(ctx)
	if err != nil {
		return HealthCounts{}, err
	}
	var domainID uint
	if domainSlug != "" {
		d, ok := snap.bySlug[domainSlug]
		if !ok {
			return HealthCounts{}, Errorf(ENOTFOUND, "There is no domain %q.", truncate(domainSlug, 63))
		}
		domainID = d.ID
	}
	var c HealthCounts
	for i := range snap.products {
		p := &snap.products[i]
		if domainID != 0 && p.DomainID != domainID {
			continue
		}
		if p.Health.SizeBytes != nil {
			c.SizeBytes += *p.Health.SizeBytes
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
			c.StaleProducts = append(c.StaleProducts, *p)
		case NoSLA:
			c.NoSLA++
		default:
			c.Unknown++
		}
	}
	sort.SliceStable(c.StaleProducts, func(i, j int) bool {
		return c.StaleProducts[i].StaleAt().Before(c.StaleProducts[j].StaleAt())
	})
	if len(c.StaleProducts) > 10 {
		c.StaleProducts = c.StaleProducts[:10]
	}
	return c, nil
}
