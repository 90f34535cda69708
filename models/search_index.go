package models

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
)

// SearchEntry is one thing the search finds. The index is written by the
// writes themselves (product, domain, source, policy and contract writes,
// and each crawl), inside their transactions, so it never needs a rebuild
// step; Reindex rebuilds it all (meshport search reindex).
type SearchEntry struct {
	ID             uint   `gorm:"primaryKey"`
	Kind           string `gorm:"size:16;not null"`
	KindRank       int    `gorm:"not null"`
	NameKey        string `gorm:"type:text;not null"`
	Ref            string `gorm:"size:600;not null"`
	Name           string `gorm:"type:text;not null"`
	Title          string `gorm:"type:text;not null"`
	Context        string `gorm:"type:text;not null"`
	Tags           string `gorm:"type:text;not null"`
	Body           string `gorm:"type:text;not null"`
	URL            string `gorm:"type:text;not null"`
	DomainID       *uint
	ProductID      *uint
	SourceID       *uint
	AssetID        *uint
	PolicyID       *uint
	DomainSlug     string `gorm:"size:63;not null"`
	Classification string `gorm:"size:16;not null"`
	Status         string `gorm:"size:16;not null"`
	SourceKind     string `gorm:"size:16;not null"`
	Digest         string `gorm:"size:64;not null"`
	UpdatedAt      time.Time
}

// Search kinds, in the order results of equal rank are listed.
const (
	SearchProduct  = "product"
	SearchDomain   = "domain"
	SearchSource   = "source"
	SearchAsset    = "asset"
	SearchColumn   = "column"
	SearchProperty = "property"
	SearchPolicy   = "policy"
)

func kindRank(kind string) int {
	for i, k := range SearchKinds() {
		if k == kind {
			return i
		}
	}
	return len(SearchKinds())
}

// SearchKinds lists the kinds, as the facet shows them.
func SearchKinds() []string {
	return []string{SearchProduct, SearchDomain, SearchSource, SearchAsset, SearchColumn, SearchProperty, SearchPolicy}
}

var searchColumns = []string{"kind", "ref", "kind_rank", "name_key", "name", "title", "context", "tags", "body", "url", "domain_id", "product_id",
	"source_id", "asset_id", "policy_id", "domain_slug", "classification", "status", "source_kind", "digest", "updated_at"}

func (e *SearchEntry) row() []any {
	return []any{e.Kind, e.Ref, kindRank(e.Kind), strings.ToLower(e.Name), e.Name, e.Title, e.Context, e.Tags, e.Body, e.URL, e.DomainID, e.ProductID,
		e.SourceID, e.AssetID, e.PolicyID, e.DomainSlug, e.Classification, e.Status, e.SourceKind, e.Digest, e.UpdatedAt}
}

// digestOf fingerprints what an entry says, so a reindex writes only what
// changed.
func (e *SearchEntry) digestOf() string {
	h := sha256.New()
	for _, v := range []string{e.Name, e.Title, e.Context, e.Tags, e.Body, e.URL, e.DomainSlug, e.Classification, e.Status, e.SourceKind,
		fmt.Sprint(deref32(e.DomainID), deref32(e.ProductID), deref32(e.SourceID), deref32(e.AssetID), deref32(e.PolicyID))} {
		h.Write([]byte(v))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

func deref32(p *uint) uint {
	if p == nil {
		return 0
	}
	return *p
}

// replaceEntries makes the index's rows selected by where (kind and
// owner) exactly want: rows whose digest is unchanged are left alone, so
// a crawl that changed nothing writes nothing.
func replaceEntries(tx *gorm.DB, now time.Time, want []SearchEntry, where string, args ...any) error {
	type have struct {
		ID     uint
		Kind   string
		Ref    string
		Digest string
	}
	// Scanned by hand: GORM's reflection over the 30,000 entries of a
	// 10,000-table source cost more than the comparison.
	var existing []have
	cur, err := tx.Model(&SearchEntry{}).Select("id, kind, ref, digest").Where(where, args...).Rows()
	if err != nil {
		return err
	}
	for cur.Next() {
		var h have
		if err := cur.Scan(&h.ID, &h.Kind, &h.Ref, &h.Digest); err != nil {
			cur.Close()
			return err
		}
		existing = append(existing, h)
	}
	cur.Close()
	if err := cur.Err(); err != nil {
		return err
	}
	byRef := make(map[string]have, len(existing))
	for _, h := range existing {
		byRef[h.Kind+"\x00"+h.Ref] = h
	}
	var rows [][]any
	keep := make(map[uint]bool, len(want))
	dup := make(map[string]bool, len(want))
	for i := range want {
		e := &want[i]
		// A contract may name a property twice and a table a column twice:
		// one entry each (PostgreSQL refuses to upsert a row twice).
		e.Ref = boundedRef(e.Ref)
		if dup[e.Kind+"\x00"+e.Ref] {
			continue
		}
		dup[e.Kind+"\x00"+e.Ref] = true
		// Index entries stay small (PostgreSQL's B-tree takes at most
		// about 2.7 KB a row).
		e.Name, e.Title, e.Context = truncate(e.Name, 300), truncate(e.Title, 300), truncate(e.Context, 600)
		e.Tags, e.Body = truncate(e.Tags, 2000), truncate(e.Body, 4000)
		e.Digest, e.UpdatedAt = e.digestOf(), now
		if h, ok := byRef[e.Kind+"\x00"+e.Ref]; ok {
			keep[h.ID] = true
			if h.Digest == e.Digest {
				continue
			}
		}
		rows = append(rows, e.row())
	}
	var gone []uint
	for _, h := range existing {
		if !keep[h.ID] {
			gone = append(gone, h.ID)
		}
	}
	for start := 0; start < len(gone); start += 1000 {
		if err := tx.Where("id IN ?", gone[start:min(start+1000, len(gone))]).Delete(&SearchEntry{}).Error; err != nil {
			return err
		}
	}
	if len(rows) == 0 {
		return nil
	}
	return newBulkWriter(tx, "search_entries", searchColumns,
		"ON CONFLICT (kind, ref) DO UPDATE SET "+excludedUpdates(searchColumns[2:])).write(tx.Statement.Context, tx, rows)
}

// indexProducts writes the entries of products (nil: all) and of their
// contracts' properties.
func indexProducts(tx *gorm.DB, now time.Time, ids []uint) error {
	q := tx.Table("products p").Select(`p.id, p.domain_id, d.slug, d.name, p.slug, p.name, p.owner, p.description, p.purpose, p.status,
		p.classification, p.tags`).Joins("JOIN domains d ON d.id = p.domain_id")
	if ids != nil {
		q = q.Where("p.id IN ?", ids)
	}
	rows, err := q.Rows()
	if err != nil {
		return err
	}
	var want []SearchEntry
	seen := map[uint]bool{}
	type prod struct {
		domainSlug, name string
		domainID         uint
		url, status      string
		class            string
	}
	byID := map[uint]prod{}
	for rows.Next() {
		var id, domainID uint
		var domainSlug, domainName, slug, name, owner, description, purpose, status, class string
		var tags StringList
		if err := rows.Scan(&id, &domainID, &domainSlug, &domainName, &slug, &name, &owner, &description, &purpose, &status, &class, &tags); err != nil {
			rows.Close()
			return err
		}
		pid, did := id, domainID
		url := "/products/" + domainSlug + "/" + slug
		seen[id] = true
		byID[id] = prod{domainSlug: domainSlug, name: name, domainID: domainID, url: url, status: status, class: class}
		want = append(want, SearchEntry{Kind: SearchProduct, Ref: fmt.Sprint(id), Name: name, Title: name, Context: "data product in " + domainName,
			Tags: strings.Join(append([]string{owner}, tags...), " "), Body: description + " " + purpose, URL: url,
			DomainID: &did, ProductID: &pid, DomainSlug: domainSlug, Classification: class, Status: status})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	// Contract properties of the products' ports.
	cq := tx.Table("contracts").Select("id, product_id, port_name, expect")
	if ids != nil {
		cq = cq.Where("product_id IN ?", ids)
	}
	crows, err := cq.Rows()
	if err != nil {
		return err
	}
	for crows.Next() {
		var id, productID uint
		var port, expect string
		if err := crows.Scan(&id, &productID, &port, &expect); err != nil {
			crows.Close()
			return err
		}
		p, ok := byID[productID]
		if !ok {
			continue
		}
		var objects []ContractExpect
		_ = json.Unmarshal([]byte(expect), &objects)
		for _, o := range objects {
			for _, prop := range o.Properties {
				pid, did := productID, p.domainID
				want = append(want, SearchEntry{Kind: SearchProperty, Ref: fmt.Sprintf("%d/%s/%s", id, o.Table(), prop.Name), Name: prop.Name,
					Title: prop.Name, Context: "contract property of " + o.Table() + " in " + p.name + " · " + port,
					Body: strings.TrimSpace(prop.LogicalType + " " + prop.PhysicalType), URL: p.url + "/ports/" + port + "/contract",
					DomainID: &did, ProductID: &pid, DomainSlug: p.domainSlug, Classification: p.class, Status: p.status})
			}
		}
	}
	crows.Close()
	if err := crows.Err(); err != nil {
		return err
	}
	if ids == nil {
		return replaceEntries(tx, now, want, "kind IN ?", []string{SearchProduct, SearchProperty})
	}
	for start := 0; start < len(ids); start += 1000 {
		part := ids[start:min(start+1000, len(ids))]
		var chunk []SearchEntry
		in := map[uint]bool{}
		for _, id := range part {
			in[id] = true
		}
		for _, e := range want {
			if in[*e.ProductID] {
				chunk = append(chunk, e)
			}
		}
		if err := replaceEntries(tx, now, chunk, "kind IN ? AND product_id IN ?", []string{SearchProduct, SearchProperty}, part); err != nil {
			return err
		}
	}
	return nil
}

// indexDomains writes the entries of domains (nil: all).
func indexDomains(tx *gorm.DB, now time.Time, ids []uint) error {
	var domains []Domain
	q := tx.Model(&Domain{})
	if ids != nil {
		q = q.Where("id IN ?", ids)
	}
	if err := q.Find(&domains).Error; err != nil {
		return err
	}
	want := make([]SearchEntry, 0, len(domains))
	for _, d := range domains {
		id := d.ID
		want = append(want, SearchEntry{Kind: SearchDomain, Ref: fmt.Sprint(d.ID), Name: d.Name, Title: d.Name, Context: "domain",
			Tags: strings.Join(append([]string{d.Slug}, d.Owners...), " "), Body: d.Description, URL: "/domains/" + d.Slug,
			DomainID: &id, DomainSlug: d.Slug, Status: d.Status})
	}
	if ids == nil {
		return replaceEntries(tx, now, want, "kind = ?", SearchDomain)
	}
	return replaceEntries(tx, now, want, "kind = ? AND domain_id IN ?", SearchDomain, ids)
}

// indexSources writes the entries of sources (nil: all), not their assets.
func indexSources(tx *gorm.DB, now time.Time, ids []uint) error {
	var sources []Source
	q := tx.Preload("Domain")
	if ids != nil {
		q = q.Where("id IN ?", ids)
	}
	if err := q.Find(&sources).Error; err != nil {
		return err
	}
	want := make([]SearchEntry, 0, len(sources))
	for _, src := range sources {
		id, did := src.ID, src.DomainID
		slug := ""
		if src.Domain != nil {
			slug = src.Domain.Slug
		}
		want = append(want, SearchEntry{Kind: SearchSource, Ref: fmt.Sprint(src.ID), Name: src.Name, Title: src.Name,
			Context: src.Kind + " source", Tags: src.Slug, URL: "/sources/" + src.Slug, DomainID: &did, SourceID: &id,
			DomainSlug: slug, SourceKind: src.Kind})
	}
	if ids == nil {
		return replaceEntries(tx, now, want, "kind = ?", SearchSource)
	}
	return replaceEntries(tx, now, want, "kind = ? AND source_id IN ?", SearchSource, ids)
}

// indexSourceAssets writes the entries of a source's assets and their
// columns, after a crawl; assets that are gone leave the index.
func indexSourceAssets(tx *gorm.DB, now time.Time, sourceID uint) error {
	var src Source
	if err := tx.Preload("Domain").Where("id = ?", sourceID).Take(&src).Error; err != nil {
		return err
	}
	rows, err := tx.Table("assets").Select("id, key, kind, columns").Where("source_id = ? AND gone_at IS NULL", sourceID).Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	slug := ""
	if src.Domain != nil {
		slug = src.Domain.Slug
	}
	var want []SearchEntry
	for rows.Next() {
		var id uint
		var key, kind, columns string
		if err := rows.Scan(&id, &key, &kind, &columns); err != nil {
			return err
		}
		aid, sid, did := id, sourceID, src.DomainID
		url := "/sources/" + src.Slug + "/asset?key=" + urlQueryEscape(key)
		var cols []Column
		_ = json.Unmarshal([]byte(columns), &cols)
		names := make([]string, len(cols))
		for i, c := range cols {
			names[i] = c.Name
		}
		want = append(want, SearchEntry{Kind: SearchAsset, Ref: fmt.Sprint(id), Name: key, Title: key, Context: kind + " in " + src.Name,
			Body: strings.Join(names, " "), URL: url, DomainID: &did, SourceID: &sid, AssetID: &aid, DomainSlug: slug, SourceKind: src.Kind})
		for _, c := range cols {
			want = append(want, SearchEntry{Kind: SearchColumn, Ref: fmt.Sprintf("%d/%s", id, c.Name), Name: c.Name, Title: c.Name,
				Context: "column of " + key + " in " + src.Name, Body: c.Type, URL: url, DomainID: &did, SourceID: &sid, AssetID: &aid,
				DomainSlug: slug, SourceKind: src.Kind})
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return replaceEntries(tx, now, want, "kind IN ? AND source_id = ?", []string{SearchAsset, SearchColumn}, sourceID)
}

// indexPolicies writes the entries of policies (nil: all); retired ones
// leave the index.
func indexPolicies(tx *gorm.DB, now time.Time, ids []uint) error {
	var pols []Policy
	q := tx.Preload("Domain").Where("state <> ?", PolicyRetired)
	if ids != nil {
		q = q.Where("id IN ?", ids)
	}
	if err := q.Find(&pols).Error; err != nil {
		return err
	}
	want := make([]SearchEntry, 0, len(pols))
	for _, p := range pols {
		id := p.ID
		e := SearchEntry{Kind: SearchPolicy, Ref: fmt.Sprint(p.ID), Name: p.Name, Title: p.Name,
			Context: p.Scope + " " + p.Severity + " policy", Tags: p.Key, Body: p.Description + " " + p.Rule,
			URL: fmt.Sprintf("/governance/policies/%d", p.ID), PolicyID: &id, Status: p.State}
		if p.Domain != nil {
			did := p.Domain.ID
			e.DomainID, e.DomainSlug = &did, p.Domain.Slug
		}
		want = append(want, e)
	}
	if ids == nil {
		return replaceEntries(tx, now, want, "kind = ?", SearchPolicy)
	}
	return replaceEntries(tx, now, want, "kind = ? AND policy_id IN ?", SearchPolicy, ids)
}

// Reindex rebuilds the whole search index (meshport search reindex); the
// writes keep it current, so this is for repairs and upgrades. It reports
// the number of entries.
func (s *Store) Reindex(ctx context.Context) (int64, error) {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error { return reindexIn(tx, s.now()) })
	if err != nil {
		return 0, internal("reindex search", err)
	}
	var n int64
	err = s.db.WithContext(ctx).Model(&SearchEntry{}).Count(&n).Error
	return n, internal("count search entries", err)
}

// reindexIn brings every entry up to date inside tx.
func reindexIn(tx *gorm.DB, now time.Time) error {
	if err := indexDomains(tx, now, nil); err != nil {
		return err
	}
	if err := indexProducts(tx, now, nil); err != nil {
		return err
	}
	if err := indexSources(tx, now, nil); err != nil {
		return err
	}
	if err := indexPolicies(tx, now, nil); err != nil {
		return err
	}
	var sources []uint
	if err := tx.Model(&Source{}).Pluck("id", &sources).Error; err != nil {
		return err
	}
	for _, id := range sources {
		if err := indexSourceAssets(tx, now, id); err != nil {
			return err
		}
	}
	return nil
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// indexDomain reindexes a domain and, when it was renamed, everything of
// it (its products, sources, assets and policies show its name or slug).
func (s *Store) indexDomain(tx *gorm.DB, domainID uint, renamed bool) error {
	now := s.now()
	if err := indexDomains(tx, now, []uint{domainID}); err != nil || !renamed {
		return err
	}
	var ids, sources, policies []uint
	if err := tx.Model(&Product{}).Where("domain_id = ?", domainID).Pluck("id", &ids).Error; err != nil {
		return err
	}
	if len(ids) > 0 {
		if err := indexProducts(tx, now, ids); err != nil {
			return err
		}
	}
	// Every entry of the domain carries its slug (the domain facet).
	if err := tx.Model(&Source{}).Where("domain_id = ?", domainID).Pluck("id", &sources).Error; err != nil {
		return err
	}
	if len(sources) > 0 {
		if err := indexSources(tx, now, sources); err != nil {
			return err
		}
		for _, id := range sources {
			if err := indexSourceAssets(tx, now, id); err != nil {
				return err
			}
		}
	}
	if err := tx.Model(&Policy{}).Where("domain_id = ?", domainID).Pluck("id", &policies).Error; err != nil {
		return err
	}
	if len(policies) == 0 {
		return nil
	}
	return indexPolicies(tx, now, policies)
}

// boundedRef keeps a key within its column: a long one (a property or
// column name of any length) becomes its start and a hash.
func boundedRef(ref string) string {
	if len(ref) <= 200 {
		return ref
	}
	sum := sha256.Sum256([]byte(ref))
	cut := 150
	for cut > 0 && !utf8.RuneStart(ref[cut]) {
		cut--
	}
	return ref[:cut] + "#" + hex.EncodeToString(sum[:16])
}
