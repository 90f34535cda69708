package models

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// AssetFilter narrows and orders a source's asset list.
type AssetFilter struct {
	Q    string `query:"q"`
	Kind string `query:"kind"`
	// Sort is one of name, size, rows, changed, reads; Order asc or desc.
	Sort        string `query:"sort"`
	Order       string `query:"order"`
	IncludeGone bool   `query:"include_gone"`
	// Usage is "read" (reads seen), "unread" (counted, none seen) or
	// "unknown" (the source does not count reads).
	Usage string `query:"usage"`
	// UnchangedDays keeps assets with no change seen for at least that many
	// days (assets whose last change is unknown are left out).
	UnchangedDays int `query:"unchanged_days"`
	Page          int `query:"page"`
	PerPage       int `query:"per_page"`
}

// assetSorts maps the sort names users send to columns: a fixed list, so no
// user text ever reaches ORDER BY.
var assetSorts = map[string]string{
	"name": "key", "size": "size_bytes", "rows": "row_estimate", "changed": "last_change_at",
	"reads": "reads_per_day", "last_read": "last_read_at", "first_seen": "first_seen_at",
}

// AssetSorts lists the sort names, for validation messages and views.
func AssetSorts() []string {
	return []string{"name", "size", "rows", "changed", "reads", "last_read", "first_seen"}
}

// Normalize trims the filter, fills defaults and clamps paging.
func (f *AssetFilter) Normalize() {
	f.Q = strings.TrimSpace(f.Q)
	if utf8.RuneCountInString(f.Q) > 200 {
		f.Q = string([]rune(f.Q)[:200])
	}
	f.Kind = strings.ToLower(strings.TrimSpace(f.Kind))
	f.Usage = strings.ToLower(strings.TrimSpace(f.Usage))
	f.Sort = strings.ToLower(strings.TrimSpace(f.Sort))
	if f.Sort == "" {
		f.Sort = "size"
	}
	f.Order = strings.ToLower(strings.TrimSpace(f.Order))
	if f.Order == "" {
		f.Order = "desc"
		if f.Sort == "name" {
			f.Order = "asc"
		}
	}
	if f.Page < 1 {
		f.Page = 1
	}
	switch {
	case f.PerPage < 1:
		f.PerPage = 50
	case f.PerPage > 200:
		f.PerPage = 200
	}
}

// Validate reports filter values that are not understood.
func (f *AssetFilter) Validate() FieldErrors {
	errs := FieldErrors{}
	if _, ok := assetSorts[f.Sort]; !ok {
		errs.Add("sort", "Sort by one of: "+strings.Join(AssetSorts(), ", ")+".")
	}
	if f.Order != "asc" && f.Order != "desc" {
		errs.Add("order", "Order is asc or desc.")
	}
	switch f.Usage {
	case "", "read", "unread", "unknown":
	default:
		errs.Add("usage", "Usage is read, unread or unknown.")
	}
	if f.UnchangedDays < 0 || f.UnchangedDays > 3650 {
		errs.Add("unchanged_days", "Use a number of days from 0 to 3650.")
	}
	return errs
}

// AssetPage is one page of a source's assets.
type AssetPage struct {
	Items   []Asset
	Total   int64
	Page    int
	PerPage int
}

// Pages is the number of pages (at least 1).
func (p AssetPage) Pages() int {
	if p.Total == 0 {
		return 1
	}
	return int((p.Total + int64(p.PerPage) - 1) / int64(p.PerPage))
}

// ListAssets returns a page of a source's assets, filtered and sorted;
// unknown values sort last whichever the order.
func (s *Store) ListAssets(ctx context.Context, sourceID uint, f AssetFilter) (AssetPage, error) {
	f.Normalize()
	if err := f.Validate().Err(); err != nil {
		return AssetPage{}, err
	}
	q := s.db.WithContext(ctx).Model(&Asset{}).Where("source_id = ?", sourceID)
	if !f.IncludeGone {
		q = q.Where("gone_at IS NULL")
	}
	if f.Kind != "" {
		q = q.Where("kind = ?", f.Kind)
	}
	if f.Q != "" {
		q = q.Where("LOWER(key) LIKE ? ESCAPE '\\'", "%"+escapeLike(strings.ToLower(f.Q))+"%")
	}
	switch f.Usage {
	case "read":
		q = q.Where("usage_known AND (reads_per_day > 0 OR last_read_at IS NOT NULL)")
	case "unread":
		// Measured (two crawls at least) and nothing seen: an asset crawled
		// once is not "unread", only not measured yet.
		q = q.Where("usage_known AND reads_per_day = 0 AND last_read_at IS NULL")
	case "unknown":
		q = q.Where("NOT usage_known")
	}
	if f.UnchangedDays > 0 {
		q = q.Where("last_change_at < ?", s.now().Add(-time.Duration(f.UnchangedDays)*24*time.Hour))
	}
	page := AssetPage{Page: f.Page, PerPage: f.PerPage}
	if err := q.Count(&page.Total).Error; err != nil {
		return page, internal("count assets", err)
	}
	column := assetSorts[f.Sort]
	desc := f.Order == "desc"
	err := q.Order(clause.OrderBy{Columns: []clause.OrderByColumn{
		// NULLs last in both orders: "unknown" is not the smallest or largest.
		{Column: clause.Column{Raw: true, Name: "CASE WHEN " + column + " IS NULL THEN 1 ELSE 0 END"}},
		{Column: clause.Column{Name: column}, Desc: desc},
		{Column: clause.Column{Name: "key"}},
	}}).Offset((f.Page - 1) * f.PerPage).Limit(f.PerPage).Find(&page.Items).Error
	return page, internal("list assets", err)
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// SourceOverview is a source with its latest run and what it holds, for
// the list of sources.
type SourceOverview struct {
	Source
	LastRun    *CrawlRun
	Assets     int64
	TotalBytes int64
}

// SourceOverviews lists every source with its latest run and asset totals.
func (s *Store) SourceOverviews(ctx context.Context) ([]SourceOverview, error) {
	sources, err := s.ListSources(ctx)
	if err != nil {
		return nil, err
	}
	var totals []struct {
		SourceID uint
		N        int64
		Bytes    int64
	}
	err = s.db.WithContext(ctx).Model(&Asset{}).Select("source_id, COUNT(*) AS n, CAST(COALESCE(SUM(size_bytes), 0) AS BIGINT) AS bytes").
		Where("gone_at IS NULL").Group("source_id").Scan(&totals).Error
	if err != nil {
		return nil, internal("asset totals", err)
	}
	var latest []CrawlRun
	err = s.db.WithContext(ctx).Where("id IN (?)", s.db.Model(&CrawlRun{}).Select("MAX(id)").Group("source_id")).Find(&latest).Error
	if err != nil {
		return nil, internal("latest runs", err)
	}
	out := make([]SourceOverview, len(sources))
	index := make(map[uint]*SourceOverview, len(sources))
	for i := range sources {
		out[i].Source = sources[i]
		index[sources[i].ID] = &out[i]
	}
	for _, t := range totals {
		if o := index[t.SourceID]; o != nil {
			o.Assets, o.TotalBytes = t.N, t.Bytes
		}
	}
	for j := range latest {
		if o := index[latest[j].SourceID]; o != nil {
			o.LastRun = &latest[j]
		}
	}
	return out, nil
}

// AssetTotals sums a source's current assets.
func (s *Store) AssetTotals(ctx context.Context, sourceID uint) (count, bytes int64, err error) {
	var row struct {
		N     int64
		Bytes int64
	}
	err = s.db.WithContext(ctx).Model(&Asset{}).Select("COUNT(*) AS n, CAST(COALESCE(SUM(size_bytes), 0) AS BIGINT) AS bytes").
		Where("source_id = ? AND gone_at IS NULL", sourceID).Scan(&row).Error
	return row.N, row.Bytes, internal("asset totals", err)
}

// GetAsset finds an asset of a source by key.
func (s *Store) GetAsset(ctx context.Context, sourceID uint, key string) (*Asset, error) {
	var a Asset
	err := s.db.WithContext(ctx).Where("source_id = ? AND key = ?", sourceID, key).Take(&a).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, Errorf(ENOTFOUND, "There is no asset %q in this source.", truncate(key, 100))
	}
	return &a, internal("get asset", err)
}

// RecentObservations returns an asset's observations since from, oldest
// first (for charts and the asset page).
func (s *Store) RecentObservations(ctx context.Context, assetID uint, from time.Time) ([]AssetObservation, error) {
	var obs []AssetObservation
	err := s.db.WithContext(ctx).Where("asset_id = ? AND at >= ?", assetID, from).Order("at").Find(&obs).Error
	return obs, internal("observations", err)
}

// PortAssets finds the crawled asset at each port that names a source, by
// the port's position; a port whose asset was never seen is absent. One
// query for all ports.
func (s *Store) PortAssets(ctx context.Context, ports []OutputPort) (map[int]Asset, error) {
	var sourceIDs []uint
	var keys []string
	for _, port := range ports {
		if port.SourceID != nil {
			sourceIDs, keys = append(sourceIDs, *port.SourceID), append(keys, port.Location)
		}
	}
	out := map[int]Asset{}
	if len(sourceIDs) == 0 {
		return out, nil
	}
	var found []Asset
	if err := s.db.WithContext(ctx).Where("source_id IN ? AND key IN ?", sourceIDs, keys).Find(&found).Error; err != nil {
		return nil, internal("port assets", err)
	}
	for i, port := range ports {
		if port.SourceID == nil {
			continue
		}
		for _, a := range found {
			if a.SourceID == *port.SourceID && a.Key == port.Location {
				out[i] = a
			}
		}
	}
	return out, nil
}
