package models

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/meshport/meshport/models/contractcheck"
)

// ContractDrift is a contract against the table it describes, as of the
// last crawl.
type ContractDrift struct {
	// Checked is false where there is nothing to compare with: the port
	// is not in a crawled database source, or the source was never crawled.
	Checked bool
	// Why says why it was not checked, or names the object compared.
	Why string
	// TableGone: the table is not in the source any more.
	TableGone bool
	// NoObject: the contract describes no object named like the table.
	NoObject bool
	Object   string
	Drift    contractcheck.Drift
}

// Drifted reports whether the contract and the table disagree.
func (d ContractDrift) Drifted() bool {
	return d.Checked && (d.TableGone || d.NoObject || d.Drift.Any())
}

// Severity is how badly consumers are hit: high when what they read is
// gone or another type (the table, a property, its type), medium when the
// data may now hold nulls the contract rules out.
func (d ContractDrift) Severity() string {
	switch {
	case !d.Drifted():
		return ""
	case d.TableGone || d.NoObject || len(d.Drift.Missing) > 0 || len(d.Drift.TypeMismatch) > 0:
		return "high"
	}
	return "medium"
}

// Summary is the drift in one line, for findings, reports and lists.
func (d ContractDrift) Summary() string {
	switch {
	case !d.Checked:
		return ""
	case d.TableGone:
		return "the table is gone from the source"
	case d.NoObject:
		return d.Why
	}
	var parts []string
	if len(d.Drift.Missing) > 0 {
		parts = append(parts, "not in the table: "+strings.Join(d.Drift.Missing, ", "))
	}
	for _, m := range d.Drift.TypeMismatch {
		parts = append(parts, fmt.Sprintf("%s is %s, the contract says %s", m.Name, m.Actual, m.Expected))
	}
	if len(d.Drift.NullableButRequired) > 0 {
		parts = append(parts, "nullable but required: "+strings.Join(d.Drift.NullableButRequired, ", "))
	}
	return truncate(strings.Join(parts, "; "), 1000)
}

// contractTarget is a contract with the port and the crawled asset it
// describes, as drift and checks need them.
type contractTarget struct {
	contractID, productID, domainID uint
	productName, productStatus      string
	portName                        string
	portExists                      bool
	sourceID                        *uint
	sourceKind                      SourceKind
	sourceAssets                    bool // the source has been crawled
	location                        string
	assetID                         *uint
	assetSchema, assetName          string
	assetColumns                    string
	assetGone                       *time.Time
	expect                          string
}

// dialectOf is the contractcheck dialect of a source kind; "" for sources
// without tables (files).
func dialectOf(kind SourceKind) string {
	switch kind {
	case KindPostgres:
		return "postgres"
	case KindMySQL:
		return "mysql"
	case KindSQLite:
		return "sqlite"
	}
	return ""
}

// driftOf compares one contract with its crawled table.
func driftOf(t contractTarget) ContractDrift {
	switch {
	case !t.portExists:
		return ContractDrift{Why: "the product has no port " + t.portName + " any more"}
	case t.sourceID == nil:
		return ContractDrift{Why: "the port is not in a crawled source"}
	case dialectOf(t.sourceKind) == "":
		return ContractDrift{Why: "the port's source has no tables (" + string(t.sourceKind) + ")"}
	case t.assetID == nil && !t.sourceAssets:
		return ContractDrift{Why: "the source has not been crawled yet"}
	case t.assetID == nil || t.assetGone != nil:
		return ContractDrift{Checked: true, TableGone: true, Why: t.location + " was not found by the last crawl"}
	}
	var objects []ContractExpect
	_ = json.Unmarshal([]byte(t.expect), &objects)
	obj, ok := objectFor(objects, t.assetSchema, t.assetName)
	if !ok {
		names := make([]string, 0, len(objects))
		for _, o := range objects {
			names = append(names, o.Table())
		}
		why := "the contract describes no table named " + t.assetName
		if len(names) > 0 {
			why += " (it describes " + truncate(strings.Join(names, ", "), 300) + ")"
		}
		return ContractDrift{Checked: true, NoObject: true, Why: why}
	}
	var cols []Column
	_ = json.Unmarshal([]byte(t.assetColumns), &cols)
	expected := make([]contractcheck.Expected, len(obj.Properties))
	for i, p := range obj.Properties {
		expected[i] = contractcheck.Expected{Name: p.Name, LogicalType: p.LogicalType, PhysicalType: p.PhysicalType, Required: p.Required}
	}
	actual := make([]contractcheck.Actual, len(cols))
	for i, c := range cols {
		actual[i] = contractcheck.Actual{Name: c.Name, Type: c.Type, Nullable: c.Nullable}
	}
	return ContractDrift{Checked: true, Object: obj.Table(), Why: "compared with " + obj.Table(),
		Drift: contractcheck.Compare(dialectOf(t.sourceKind), expected, actual)}
}

// objectFor is the schema object describing a table: by physical name,
// then name, case-insensitively, with or without the schema.
func objectFor(objects []ContractExpect, schema, name string) (ContractExpect, bool) {
	full := name
	if schema != "" {
		full = schema + "." + name
	}
	for _, pass := range []func(ContractExpect) string{
		func(o ContractExpect) string { return o.PhysicalName },
		func(o ContractExpect) string { return o.Name },
	} {
		for _, o := range objects {
			n := pass(o)
			if n == "" {
				continue
			}
			if strings.EqualFold(n, name) || strings.EqualFold(n, full) {
				return o, true
			}
		}
	}
	return ContractExpect{}, false
}

// loadContractTargets reads the contracts of the scope with their ports
// and assets.
func (ev *evaluation) loadContractTargets(scope findingScope) ([]contractTarget, error) {
	q := ev.tx.Table("contracts c").
		Select(`c.id, c.product_id, p.domain_id, p.name, p.status, c.port_name, op.source_id, coalesce(s.kind, ''),
			coalesce(op.location, ''), a.id, coalesce(a.schema, ''), coalesce(a.name, ''), coalesce(a.columns, '[]'), a.gone_at, c.expect,
			CASE WHEN op.source_id IS NOT NULL AND EXISTS (SELECT 1 FROM assets x WHERE x.source_id = op.source_id) THEN 1 ELSE 0 END,
			CASE WHEN op.id IS NULL THEN 0 ELSE 1 END`).
		Joins("JOIN products p ON p.id = c.product_id").
		Joins("LEFT JOIN output_ports op ON op.product_id = c.product_id AND lower(op.name) = lower(c.port_name)").
		Joins("LEFT JOIN sources s ON s.id = op.source_id").
		Joins("LEFT JOIN assets a ON a.source_id = op.source_id AND a.key = op.location")
	switch {
	case scope.all():
	case scope.domain != 0:
		q = q.Where("p.domain_id = ?", scope.domain)
	case scope.products != nil:
		q = q.Where("c.product_id IN ?", scope.products)
	case scope.sources != nil:
		q = q.Where("op.source_id IN ?", scope.sources)
	default:
		return nil, nil
	}
	rows, err := q.Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []contractTarget
	for rows.Next() {
		var t contractTarget
		var crawled, port int
		if err := rows.Scan(&t.contractID, &t.productID, &t.domainID, &t.productName, &t.productStatus, &t.portName, &t.sourceID,
			&t.sourceKind, &t.location, &t.assetID, &t.assetSchema, &t.assetName, &t.assetColumns, &t.assetGone, &t.expect, &crawled, &port); err != nil {
			return nil, err
		}
		t.sourceAssets, t.portExists = crawled == 1, port == 1
		out = append(out, t)
	}
	return out, rows.Err()
}

// contractDrift judges the scope's contracts against their crawled tables:
// one finding per contract that disagrees with its table. Retired
// products and contracts that cannot be checked have none.
func (ev *evaluation) contractDrift(scope findingScope) error {
	targets, err := ev.loadContractTargets(scope)
	if err != nil {
		return err
	}
	if len(targets) == 0 && !scope.all() && scope.domain == 0 {
		return nil
	}
	ids := make([]uint, len(targets))
	for i, t := range targets {
		ids[i] = t.contractID
	}
	// Whole-mesh and domain runs read the kind's findings at once; others
	// read those of the contracts found.
	contractScope := findingScope{domain: scope.domain}
	if !scope.all() && scope.domain == 0 {
		contractScope.products = []uint{}
	}
	existing, err := ev.existing(FindingContractDrift, contractScope, ids)
	if err != nil {
		return err
	}
	quality, err := ev.existing(FindingQuality, contractScope, ids)
	if err != nil {
		return err
	}
	seen := make(map[uint]bool, len(targets))
	for _, t := range targets {
		seen[t.contractID] = true
		var want *Finding
		why := "the contract matches the table"
		d := driftOf(t)
		switch {
		case t.productStatus == StatusRetired:
			why = "the product is retired"
		case !d.Checked:
			why = d.Why
		case d.Drifted():
			productID := t.productID
			want = &Finding{Kind: FindingContractDrift, SubjectID: t.contractID, ProductID: &productID, AssetID: t.assetID,
				SourceID: t.sourceID, DomainID: t.domainID, Title: t.productName + " · " + t.portName,
				Detail: d.Severity() + " severity: " + d.Summary()}
			if t.assetGone != nil {
				want.AssetID = nil // the asset row may be deleted by retention
			}
		}
		ev.judge(existing[t.contractID], want, t.contractID, FindingContractDrift, why)
		// Checks stop with the product or the port; their finding goes too.
		switch q := quality[t.contractID]; {
		case q == nil:
		case t.productStatus == StatusRetired:
			ev.judge(q, nil, t.contractID, FindingQuality, "the product is retired")
		case !t.portExists:
			ev.judge(q, nil, t.contractID, FindingQuality, "the product has no port "+t.portName+" any more")
		}
	}
	// Findings of contracts deleted, or no longer in the scope's products.
	if scope.all() || scope.domain != 0 {
		for id, f := range existing {
			if !seen[id] {
				ev.judge(f, nil, id, FindingContractDrift, "the contract was removed")
			}
		}
		for id, f := range quality {
			if !seen[id] {
				ev.judge(f, nil, id, FindingQuality, "the contract was removed")
			}
		}
	}
	return nil
}
