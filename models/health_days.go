package models

import (
	"context"
	"time"
)

// HealthDay is one day's health totals of a domain (DomainID 0: the whole
// portal), kept for the trend charts; the last evaluation of a day wins.
type HealthDay struct {
	Day           string  `gorm:"size:10;primaryKey" json:"day"`
	DomainID      uint    `gorm:"primaryKey;autoIncrement:false" json:"-"`
	Products      int     `gorm:"not null" json:"products"`
	Stale         int     `gorm:"not null" json:"stale_products"`
	Unused        int     `gorm:"not null" json:"unused_products"`
	DarkAssets    int     `gorm:"not null" json:"dark_assets"`
	DarkBytes     int64   `gorm:"not null" json:"dark_bytes"`
	DarkCost      float64 `gorm:"not null" json:"dark_cost"`
	UnknownAssets int     `gorm:"not null" json:"usage_unknown_assets"`
	UnknownBytes  int64   `gorm:"not null" json:"usage_unknown_bytes"`
}

var healthDayColumns = []string{"day", "domain_id", "products", "stale", "unused", "dark_assets", "dark_bytes",
	"dark_cost", "unknown_assets", "unknown_bytes"}

// RecordHealthDay writes today's totals for the portal and every domain.
func (s *Store) RecordHealthDay(ctx context.Context) error {
	cat, err := s.catalog(ctx)
	if err != nil {
		return err
	}
	snap, err := s.findingsSnap(ctx)
	if err != nil {
		return err
	}
	day := s.now().UTC().Format(time.DateOnly)
	products := map[uint]int{}
	for i := range cat.products {
		products[0]++
		products[cat.products[i].DomainID]++
	}
	rows := make([][]any, 0, len(cat.domains)+1)
	for _, id := range append([]uint{0}, domainIDs(cat.domains)...) {
		t := FindingTotals{}
		if found := snap.totals[id]; found != nil {
			t = *found
		}
		rows = append(rows, []any{day, id, products[id], t.StaleProducts, t.UnusedProducts, t.DarkAssets, t.DarkBytes,
			t.DarkCost, t.UnknownAssets, t.UnknownBytes})
	}
	db := s.db.WithContext(ctx)
	w := newBulkWriter(db, "health_days", healthDayColumns, "ON CONFLICT (day, domain_id) DO UPDATE SET "+excludedUpdates(healthDayColumns))
	if err := w.write(ctx, db, rows); err != nil {
		return internal("record health day", err)
	}
	s.dashboard.forgetTrends()
	return nil
}

func domainIDs(domains []Domain) []uint {
	ids := make([]uint, len(domains))
	for i := range domains {
		ids[i] = domains[i].ID
	}
	return ids
}

// HealthTrend returns a domain's daily totals (0: the portal's) for the
// last days days, oldest first; days without a record are absent.
func (s *Store) HealthTrend(ctx context.Context, domainID uint, days int) ([]HealthDay, error) {
	now := s.now()
	key := trendKey{domainID, days}
	if out, ok := memoGet(&s.dashboard.mu, s.dashboard.trends, key, now); ok {
		return out, nil
	}
	from := now.UTC().AddDate(0, 0, -days+1).Format(time.DateOnly)
	var out []HealthDay
	if err := s.db.WithContext(ctx).Where("domain_id = ? AND day >= ?", domainID, from).Order("day").Find(&out).Error; err != nil {
		return nil, internal("health trend", err)
	}
	memoPut(&s.dashboard.mu, s.dashboard.trends, key, out, now.Add(trendMemoFor))
	return out, nil
}
