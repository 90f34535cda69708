package models

import (
	"strings"

	"github.com/meshport/meshport/models/policy"
	"gorm.io/gorm"
)

// attachContractFacts gives the subjects' ports their contracts and latest
// check results (productIDs nil: every product), in two queries.
func attachContractFacts(tx *gorm.DB, subjects []policySubject, productIDs []uint) error {
	for i := range subjects {
		for j := range subjects[i].facts.OutputPorts {
			subjects[i].facts.OutputPorts[j].Checks = []policy.Check{}
		}
	}
	q := tx.Table("contracts c").Select(`c.id, c.product_id, c.port_name, c.version, c.status, c.expect,
		CASE WHEN EXISTS (SELECT 1 FROM findings f WHERE f.kind = ? AND f.subject_id = c.id AND f.status <> ?) THEN 1 ELSE 0 END`,
		FindingContractDrift, FindingClosed)
	if productIDs != nil {
		q = q.Where("c.product_id IN ?", productIDs)
	}
	rows, err := q.Rows()
	if err != nil {
		return err
	}
	type key struct {
		product uint
		port    string
	}
	byContract := map[uint]*policy.Port{}
	rulesOf := map[uint]map[string]bool{}
	ports := map[key]*policy.Port{}
	for i := range subjects {
		for j := range subjects[i].facts.OutputPorts {
			p := &subjects[i].facts.OutputPorts[j]
			ports[key{subjects[i].id, strings.ToLower(p.Name)}] = p
		}
	}
	for rows.Next() {
		var id, productID uint
		var port, version, status, expect string
		var drift int
		if err := rows.Scan(&id, &productID, &port, &version, &status, &expect, &drift); err != nil {
			rows.Close()
			return err
		}
		if p := ports[key{productID, strings.ToLower(port)}]; p != nil {
			p.Contract = policy.Contract{Exists: true, Version: version, Status: status, Drift: drift == 1}
			byContract[id], rulesOf[id] = p, currentRules(expect)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(byContract) == 0 {
		return err
	}
	ids := make([]uint, 0, len(byContract))
	for id := range byContract {
		ids = append(ids, id)
	}
	for start := 0; start < len(ids); start += 1000 {
		part := ids[start:min(start+1000, len(ids))]
		crows, err := tx.Raw(`SELECT contract_id, rule_id, rule_name, property, metric, status, severity FROM check_results
			WHERE id IN (SELECT max(id) FROM check_results WHERE contract_id IN ? GROUP BY contract_id, rule_id) ORDER BY rule_id`, part).Rows()
		if err != nil {
			return err
		}
		for crows.Next() {
			var id uint
			var rule string
			var c policy.Check
			if err := crows.Scan(&id, &rule, &c.Name, &c.Property, &c.Metric, &c.Status, &c.Severity); err != nil {
				crows.Close()
				return err
			}
			if p := byContract[id]; p != nil && rulesOf[id][rule] {
				p.Checks = append(p.Checks, c)
			}
		}
		crows.Close()
		if err := crows.Err(); err != nil {
			return err
		}
	}
	return nil
}
