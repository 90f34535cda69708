package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/Masterminds/semver/v3"
	"github.com/meshport/meshport/models/odcs"
	"gorm.io/gorm"
)

// ContractView is a port's contract as pages and the API show it.
type ContractView struct {
	Product *Product
	Port    OutputPort
	// Contract and Doc are nil when the port has no contract.
	Contract *Contract
	Doc      *odcs.Contract
	// Asset is the crawled table at the port, if any.
	Asset *Asset
	Drift ContractDrift
	// Checks are the latest result of each quality rule.
	Checks []CheckResult
}

// ContractSaved is what saving a contract did.
type ContractSaved struct {
	Contract *Contract
	// Version is the version saved; nil when the document did not change.
	Version *ContractVersion
	// Created: the port had no contract. Amended: a change that needs no
	// new version (the status) amended the current version's record.
	Created, Amended bool
	Comparison       odcs.Comparison
}

// PortContract reads a port's contract with its table, drift and latest
// checks.
func (s *Store) PortContract(ctx context.Context, domainSlug, productSlug, portName string) (*ContractView, error) {
	tx := s.db.WithContext(ctx)
	prod, err := getProduct(tx, domainSlug, productSlug)
	if err != nil {
		return nil, err
	}
	port, err := portNamed(prod, portName)
	if err != nil {
		return nil, err
	}
	v := &ContractView{Product: prod, Port: port}
	assets, err := s.PortAssets(ctx, []OutputPort{port})
	if err != nil {
		return nil, err
	}
	if a, ok := assets[0]; ok {
		v.Asset = &a
	}
	c, err := contractOf(tx, prod.ID, port.Name)
	if err != nil || c == nil {
		return v, err
	}
	v.Contract = c
	if v.Doc, err = odcs.Parse([]byte(c.Document)); err != nil {
		return nil, internal("parse stored contract", err)
	}
	targets, err := (&evaluation{tx: tx}).loadContractTargets(findingScope{products: []uint{prod.ID}})
	if err != nil {
		return nil, internal("load contract target", err)
	}
	for _, t := range targets {
		if t.contractID == c.ID {
			v.Drift = driftOf(t)
		}
	}
	if v.Checks, err = latestChecks(tx, c.ID, c.Expect); err != nil {
		return nil, internal("load checks", err)
	}
	return v, nil
}

// portNamed finds a port of prod by name, ignoring case.
func portNamed(prod *Product, name string) (OutputPort, error) {
	for _, p := range prod.OutputPorts {
		if strings.EqualFold(p.Name, name) {
			return p, nil
		}
	}
	return OutputPort{}, Errorf(ENOTFOUND, "%s has no output port %s.", prod.Name, truncate(name, 63))
}

func contractOf(tx *gorm.DB, productID uint, port string) (*Contract, error) {
	var c Contract
	// Port names are unique per product ignoring case, as the product
	// form checks them; a port whose name changed case keeps its contract.
	err := tx.Where("product_id = ? AND lower(port_name) = lower(?)", productID, port).Take(&c).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, internal("load contract", err)
	}
	return &c, nil
}

// SaveContract makes doc the contract of a port: a new version when it
// changed, refused when the version does not say what the change is
// (a breaking change needs a new major version). The product's drift
// finding and policy results follow in the same transaction, and an active
// product that a blocking policy would then stop is refused.
func (s *Store) SaveContract(ctx context.Context, p Principal, domainSlug, productSlug, portName string, doc *odcs.Contract) (*ContractSaved, error) {
	out := &ContractSaved{}
	err := s.writeCatalog(ctx, func(tx *gorm.DB) error {
		prod, err := productForChange(tx, p, domainSlug, productSlug, "change the contracts of")
		if err != nil {
			return err
		}
		port, err := portNamed(prod, portName)
		if err != nil {
			return err
		}
		cur, err := contractOf(tx, prod.ID, port.Name)
		if err != nil {
			return err
		}
		if err := checkContractHeader(doc); err != nil {
			return err
		}
		canonical := string(doc.Canonical())
		if cur != nil && cur.Document == canonical {
			out.Contract = cur
			return nil
		}
		now := s.now()
		before := map[string]string{}
		c := cur
		if c == nil {
			if err := checkFirstVersion(doc.Version()); err != nil {
				return err
			}
			c = &Contract{ProductID: prod.ID, PortName: port.Name, CreatedAt: now}
		} else {
			before = c.auditFields()
			old, err := odcs.Parse([]byte(cur.Document))
			if err != nil {
				return internal("parse stored contract", err)
			}
			out.Comparison = odcs.Compare(old, doc)
			if err := out.Comparison.CheckVersion(cur.Version, doc.Version()); err != nil {
				return &Error{Code: EINVALID, Message: "The version does not match the change.",
					Fields: FieldErrors{"version": upperFirst(err.Error()) + "."}}
			}
		}
		sameVersion := cur != nil && cur.Version == doc.Version()
		c.DocumentID, c.Version, c.Status = doc.ID(), doc.Version(), doc.Status()
		c.Document, c.Expect, c.UpdatedBy, c.UpdatedAt = canonical, expectJSON(doc), truncate(p.Label(), 299), now
		if err := tx.Save(c).Error; err != nil {
			return err
		}
		v := &ContractVersion{ContractID: c.ID, Version: c.Version, Status: c.Status, Document: canonical,
			Breaking: len(out.Comparison.Breaking()) > 0, Changes: changeSentences(out.Comparison), CreatedBy: c.UpdatedBy, CreatedAt: now}
		if sameVersion {
			// A change that needs no new version (the status) amends the
			// version it belongs to.
			err := tx.Model(&ContractVersion{}).Where("contract_id = ? AND version = ?", c.ID, c.Version).
				Updates(map[string]any{"status": c.Status, "document": canonical}).Error
			if err != nil {
				return err
			}
		} else if err := tx.Create(v).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return &Error{Code: EINVALID, Message: "This version was saved before.",
					Fields: FieldErrors{"version": "Version " + c.Version + " exists already: choose a later one."}}
			}
			return err
		}
		out.Contract, out.Version, out.Created, out.Amended = c, v, cur == nil, sameVersion
		if v.Breaking && !sameVersion {
			if err := s.queueBreakingNotices(tx, prod, c, v, p.Label()); err != nil {
				return err
			}
		}
		action := "updated"
		if cur == nil {
			action = "created"
		}
		if err := s.audit(tx, p, action, "contract", c.ID, domainSlug+"/"+prod.Slug+"/"+port.Name, before, c.auditFields()); err != nil {
			return err
		}
		if err := s.reevaluate(tx, p, findingScope{products: []uint{prod.ID}}); err != nil {
			return err
		}
		if err := s.judgeQuality(tx, c.ID, now); err != nil { // its rules may have changed
			return err
		}
		if err := indexProducts(tx, now, []uint{prod.ID}); err != nil { // its properties are found
			return err
		}
		return s.judgeSave(tx, prod)
	})
	if err != nil {
		return nil, internal("save contract", err)
	}
	return out, nil
}

// checkContractHeader refuses an id, version or status longer than meshport
// keeps (ODCS sets no limit; these are far beyond real ones).
func checkContractHeader(doc *odcs.Contract) error {
	errs := FieldErrors{}
	for _, f := range []struct {
		field, value string
		max          int
	}{{"id", doc.ID(), 200}, {"version", doc.Version(), 64}, {"status", doc.Status(), 32}} {
		if n := utf8.RuneCountInString(f.value); n > f.max {
			errs.Add(f.field, fmt.Sprintf("Use at most %d characters (this has %d).", f.max, n))
		}
	}
	if len(errs) > 0 {
		return &Error{Code: EINVALID, Message: "The contract's " + strings.Join(sortedKeys(errs), ", ") + " is too long.", Fields: errs}
	}
	return nil
}

// checkFirstVersion accepts any semantic version for a new contract.
func checkFirstVersion(v string) error {
	if _, err := semver.StrictNewVersion(v); err != nil {
		return &Error{Code: EINVALID, Message: "The contract needs a version.",
			Fields: FieldErrors{"version": "Give a semantic version such as 1.0.0."}}
	}
	return nil
}

func (c *Contract) auditFields() map[string]string {
	return map[string]string{"id": c.DocumentID, "version": c.Version, "status": c.Status}
}

// changeSentences lists a comparison's changes, breaking ones first.
func changeSentences(cmp odcs.Comparison) StringList {
	out := StringList{}
	for _, breaking := range []bool{true, false} {
		for _, ch := range cmp.Changes {
			if ch.Breaking == breaking {
				out = append(out, truncate(ch.Detail, 300))
			}
		}
	}
	if len(out) > 100 {
		out = append(out[:100], "and more")
	}
	return out
}

// expectJSON is the part of doc that drift and checks read.
func expectJSON(doc *odcs.Contract) string {
	objects := doc.Objects()
	out := make([]ContractExpect, 0, len(objects))
	for _, o := range objects {
		e := ContractExpect{Name: o.Name, PhysicalName: o.PhysicalName, Properties: []ExpectProperty{}}
		for _, p := range o.Properties {
			e.Properties = append(e.Properties, ExpectProperty{Name: propertyColumn(p), LogicalType: p.LogicalType,
				PhysicalType: p.PhysicalType, Required: p.Required})
			for _, q := range p.Quality {
				e.Rules = append(e.Rules, expectRule(q, propertyColumn(p)))
			}
		}
		for _, q := range o.Quality {
			e.Rules = append(e.Rules, expectRule(q, ""))
		}
		out = append(out, e)
	}
	b, _ := json.Marshal(out)
	return string(b)
}

// propertyColumn is the column a property describes.
func propertyColumn(p odcs.Property) string {
	if p.PhysicalName != "" {
		return p.PhysicalName
	}
	return p.Name
}

func expectRule(q odcs.QualityRule, column string) ExpectRule {
	r := ExpectRule{ID: q.Index, Name: q.Name, Type: q.Type, Metric: q.Metric, Property: column, Arguments: q.Arguments,
		Query: q.Query, Operator: q.Operator, Unit: q.Unit, Severity: q.Severity}
	switch v := q.Value.(type) {
	case float64:
		r.Value = v
	case int:
		r.Value = float64(v)
	case int64:
		r.Value = float64(v)
	}
	if len(q.Values) == 2 {
		r.Values = [2]float64{q.Values[0], q.Values[1]}
	}
	return r
}

// DeleteContract removes a port's contract with its versions, results and
// findings.
func (s *Store) DeleteContract(ctx context.Context, p Principal, domainSlug, productSlug, portName string) error {
	err := s.writeCatalog(ctx, func(tx *gorm.DB) error {
		prod, err := productForChange(tx, p, domainSlug, productSlug, "change the contracts of")
		if err != nil {
			return err
		}
		port, err := portNamed(prod, portName)
		if err != nil {
			return err
		}
		c, err := contractOf(tx, prod.ID, port.Name)
		if err != nil {
			return err
		}
		if c == nil {
			return Errorf(ENOTFOUND, "Port %s has no contract.", port.Name)
		}
		if err := tx.Where("kind IN ? AND subject_id = ?", []string{FindingContractDrift, FindingQuality}, c.ID).Delete(&Finding{}).Error; err != nil {
			return err
		}
		if err := tx.Delete(c).Error; err != nil {
			return err
		}
		if err := touchFindings(tx); err != nil {
			return err
		}
		if err := s.audit(tx, p, "deleted", "contract", c.ID, domainSlug+"/"+prod.Slug+"/"+port.Name, c.auditFields(), nil); err != nil {
			return err
		}
		if err := indexProducts(tx, s.now(), []uint{prod.ID}); err != nil {
			return err
		}
		return s.judgeSave(tx, prod)
	})
	return internal("delete contract", err)
}

// ContractVersions lists a port's contract versions, newest first.
func (s *Store) ContractVersions(ctx context.Context, domainSlug, productSlug, portName string) ([]ContractVersion, error) {
	tx := s.db.WithContext(ctx)
	prod, err := getProduct(tx, domainSlug, productSlug)
	if err != nil {
		return nil, err
	}
	port, err := portNamed(prod, portName)
	if err != nil {
		return nil, err
	}
	c, err := contractOf(tx, prod.ID, port.Name)
	if err != nil {
		return nil, err
	}
	if c == nil {
		return nil, Errorf(ENOTFOUND, "Port %s has no contract.", port.Name)
	}
	var out []ContractVersion
	err = tx.Where("contract_id = ?", c.ID).Order("created_at DESC, id DESC").Find(&out).Error
	return out, internal("list contract versions", err)
}

// DraftContract is a new contract generated from the port's crawled table:
// its columns and types become properties. It is not saved.
func (s *Store) DraftContract(ctx context.Context, domainSlug, productSlug, portName string) (*odcs.Contract, error) {
	v, err := s.PortContract(ctx, domainSlug, productSlug, portName)
	if err != nil {
		return nil, err
	}
	if v.Asset == nil || v.Port.Source == nil {
		return nil, Errorf(ECONFLICT, "Port %s has no crawled table to generate a contract from.", v.Port.Name)
	}
	dialect := dialectOf(SourceKind(v.Port.Source.Kind))
	if dialect == "" {
		return nil, Errorf(ECONFLICT, "Contracts are generated from database tables; %s is a %s source.", v.Port.Source.Name, v.Port.Source.Kind)
	}
	cols := v.Asset.ColumnList()
	in := make([]odcs.Column, len(cols))
	for i, c := range cols {
		in[i] = odcs.Column{Name: c.Name, Type: c.Type, Nullable: c.Nullable}
	}
	id := v.Product.Domain.Slug + "." + v.Product.Slug + "." + v.Port.Name
	return odcs.FromTable(id, v.Product.Name+" · "+v.Port.Name, v.Asset.Name, in, dialect), nil
}

// latestChecks is the newest result of each current rule of a contract
// (expect is the contract's Expect).
func latestChecks(tx *gorm.DB, contractID uint, expect string) ([]CheckResult, error) {
	var all []CheckResult
	err := tx.Where(`contract_id = ? AND id IN (SELECT max(id) FROM check_results WHERE contract_id = ? GROUP BY rule_id)`, contractID, contractID).
		Order("rule_id").Find(&all).Error
	current := currentRules(expect)
	out := all[:0]
	for _, r := range all {
		if current[r.RuleID] {
			out = append(out, r)
		}
	}
	return out, err
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// PortContractSummary is a port's contract in a line of the product page.
type PortContractSummary struct {
	Version, Status string
	Drift           ContractDrift
	// Checks counts the latest results by status.
	Checks map[string]int
}

// ProductContracts summarises the contracts of a product's ports, by port
// name.
func (s *Store) ProductContracts(ctx context.Context, productID uint) (map[string]PortContractSummary, error) {
	tx := s.db.WithContext(ctx)
	var rows []Contract
	if err := tx.Select("id, port_name, version, status, expect").Where("product_id = ?", productID).Find(&rows).Error; err != nil {
		return nil, internal("list contracts", err)
	}
	if len(rows) == 0 {
		return map[string]PortContractSummary{}, nil
	}
	targets, err := (&evaluation{tx: tx}).loadContractTargets(findingScope{products: []uint{productID}})
	if err != nil {
		return nil, internal("load contract targets", err)
	}
	drift := map[uint]ContractDrift{}
	for _, t := range targets {
		drift[t.contractID] = driftOf(t)
	}
	ids := make([]uint, len(rows))
	for i, c := range rows {
		ids[i] = c.ID
	}
	var latest []CheckResult
	err = tx.Select("id, contract_id, rule_id, status").
		Where("id IN (SELECT max(id) FROM check_results WHERE contract_id IN ? GROUP BY contract_id, rule_id)", ids).Find(&latest).Error
	if err != nil {
		return nil, internal("load checks", err)
	}
	out := make(map[string]PortContractSummary, len(rows))
	for _, c := range rows {
		sum := PortContractSummary{Version: c.Version, Status: c.Status, Drift: drift[c.ID], Checks: map[string]int{}}
		current := currentRules(c.Expect)
		for _, r := range latest {
			if r.ContractID == c.ID && current[r.RuleID] {
				sum.Checks[r.Status]++
			}
		}
		out[strings.ToLower(c.PortName)] = sum
	}
	return out, nil
}
