package models

import (
	"database/sql"
	"encoding/json"
	"time"

	"gorm.io/gorm"
)

// loadPolicySubjects reads the given products (nil: all) with their ports,
// the ports' sources and crawled assets, in two queries with plain rows:
// this runs over every product on a policy change and after crawls, and
// GORM's reflection would cost more than the policies.
func loadPolicySubjects(tx *gorm.DB, productIDs []uint, now time.Time) ([]policySubject, error) {
	where, args := "", []any{}
	if productIDs != nil {
		where, args = " WHERE p.id IN ?", []any{productIDs}
	}
	rows, err := tx.Raw(`SELECT p.id, p.domain_id, d.slug, p.slug, p.name, p.owner, p.description, p.purpose, p.status,
		p.classification, p.contains_pii, p.tags, p.freshness_sla_minutes, p.created_at, p.updated_at, p.health
		FROM products p JOIN domains d ON d.id = p.domain_id`+where+` ORDER BY p.id`, args...).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var products []Product
	var slugs []string
	var healths []HealthSummary
	for rows.Next() {
		var p Product
		var domainSlug, health string
		if err := rows.Scan(&p.ID, &p.DomainID, &domainSlug, &p.Slug, &p.Name, &p.Owner, &p.Description, &p.Purpose, &p.Status,
			&p.Classification, &p.ContainsPII, &p.Tags, &p.FreshnessSLA, &p.CreatedAt, &p.UpdatedAt, &health); err != nil {
			return nil, err
		}
		var h HealthSummary
		if health != "" && health != "{}" {
			_ = json.Unmarshal([]byte(health), &h) // written by refreshHealth; a bad value reads as unknown
		}
		products, slugs, healths = append(products, p), append(slugs, domainSlug), append(healths, h)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	index := make(map[uint]int, len(products))
	for i := range products {
		index[products[i].ID] = i
	}
	assets := make([]map[int]Asset, len(products))

	where = ""
	if productIDs != nil {
		where = " WHERE o.product_id IN ?"
	}
	prow, err := tx.Raw(`SELECT o.product_id, o.name, o.type, o.location, s.slug, s.kind,
		a.id, a.gone_at, a.size_bytes, a.row_estimate, a.columns, a.last_change_at, a.reads_per_day, a.last_read_at, a.usage_known
		FROM output_ports o LEFT JOIN sources s ON s.id = o.source_id
		LEFT JOIN assets a ON a.source_id = o.source_id AND a.key = o.location`+where+` ORDER BY o.product_id, o.position`, args...).Rows()
	if err != nil {
		return nil, err
	}
	defer prow.Close()
	for prow.Next() {
		var productID uint
		var port OutputPort
		var srcSlug, srcKind, columns sql.NullString
		var assetID sql.NullInt64
		var usageKnown sql.NullBool
		var a Asset
		if err := prow.Scan(&productID, &port.Name, &port.Type, &port.Location, &srcSlug, &srcKind,
			&assetID, &a.GoneAt, &a.SizeBytes, &a.RowEstimate, &columns, &a.LastChangeAt, &a.ReadsPerDay, &a.LastReadAt, &usageKnown); err != nil {
			return nil, err
		}
		i, ok := index[productID]
		if !ok {
			continue
		}
		p := &products[i]
		if srcSlug.Valid {
			port.Source = &Source{Slug: srcSlug.String, Kind: srcKind.String}
		}
		if assetID.Valid {
			a.Columns, a.UsageKnown = columns.String, usageKnown.Bool
			if assets[i] == nil {
				assets[i] = map[int]Asset{}
			}
			assets[i][len(p.OutputPorts)] = a
		}
		p.OutputPorts = append(p.OutputPorts, port)
	}
	if err := prow.Err(); err != nil {
		return nil, err
	}
	out := make([]policySubject, len(products))
	for i := range products {
		p := &products[i]
		out[i] = policySubject{id: p.ID, domainID: p.DomainID, name: p.Name, slug: p.Slug, status: p.Status,
			facts: productFacts(p, slugs[i], assets[i], healths[i], now)}
	}
	return out, attachContractFacts(tx, out, productIDs)
}
