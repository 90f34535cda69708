package models

import "context"

// ProductRef names a product for lineage lists.
type ProductRef struct {
	DomainSlug, Slug, Name, Status string
}

// ProductNeighbours are the products a product reads and is read by,
// through its ports' crawled lineage (a view port reading another
// product's table). Retired products are left out.
func (s *Store) ProductNeighbours(ctx context.Context, productID uint) (reads, readBy []ProductRef, err error) {
	const edges = `SELECT DISTINCT pf.product_id AS from_id, pt.product_id AS to_id` + productEdgesFrom +
		` AND (pf.product_id = ? OR pt.product_id = ?)`
	rows, err := s.db.WithContext(ctx).Raw(`SELECT x.from_id, x.to_id, d.slug, p.slug, p.name, p.status
		FROM (`+edges+`) x
		JOIN products p ON p.id = CASE WHEN x.from_id = ? THEN x.to_id ELSE x.from_id END
		JOIN domains d ON d.id = p.domain_id
		WHERE p.status <> ?
		ORDER BY p.name, p.id`, productID, productID, productID, StatusRetired).Rows()
	if err != nil {
		return nil, nil, internal("product lineage", err)
	}
	defer rows.Close()
	for rows.Next() {
		var from, to uint
		var r ProductRef
		if err := rows.Scan(&from, &to, &r.DomainSlug, &r.Slug, &r.Name, &r.Status); err != nil {
			return nil, nil, internal("product lineage", err)
		}
		if from == productID {
			reads = append(reads, r)
		} else {
			readBy = append(readBy, r)
		}
	}
	return reads, readBy, internal("product lineage", rows.Err())
}
