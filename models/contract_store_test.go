package models_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/models/odcs"
	"github.com/meshport/meshport/models/storetest"
)

const mainContract = `apiVersion: v3.1.0
kind: DataContract
id: sales-main
version: 1.0.0
status: active
schema:
  - name: main
    quality:
      - metric: rowCount
        mustBeGreaterThan: 10
    properties:
      - name: id
        logicalType: integer
        required: true
      - name: note
        logicalType: string
`

func parseContract(t *testing.T, doc string) *odcs.Contract {
	t.Helper()
	c, err := models.ParseContract([]byte(doc))
	mustOK(t, err, "parse contract")
	return c
}

// contractTables are the tables a refused contract write must not touch.
var contractTables = []string{"contracts", "contract_versions", "check_results", "contract_watchers", "findings", "outbox_messages", "audit_entries"}

// Saving contracts: versions, the version a change needs, an unchanged
// document, a status change, rights and deletion; refusals write nothing.
func TestSaveContractVersions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		createDomain(t, s, "Sales", "sales@example.com")
		_, err := s.CreateProduct(ctx, admin, productInput("sales", "Leads"))
		mustOK(t, err, "create product")
		owner := person(0, "sales@example.com")
		saved, err := s.SaveContract(ctx, owner, "sales", "leads", "main", parseContract(t, mainContract))
		mustOK(t, err, "first save")
		if saved.Version == nil || saved.Contract.Version != "1.0.0" || len(saved.Version.Changes) != 0 {
			t.Fatalf("first save: %+v", saved)
		}

		refused := func(what string, p models.Principal, port, doc, code, field, want string) {
			t.Helper()
			before := tableCounts(t, s, contractTables)
			_, err := s.SaveContract(ctx, p, "sales", "leads", port, parseContract(t, doc))
			if models.ErrorCode(err) != code || (field != "" && !strings.Contains(models.ErrorFields(err)[field], want)) ||
				(field == "" && !strings.Contains(models.ErrorMessage(err), want)) {
				t.Errorf("%s: %v", what, err)
			}
			if after := tableCounts(t, s, contractTables); fmt.Sprint(after) != fmt.Sprint(before) {
				t.Errorf("%s wrote: %v -> %v", what, before, after)
			}
		}
		removed := strings.Replace(mainContract, "      - name: note\n        logicalType: string\n", "", 1)
		refused("breaking as a minor", owner, "main", strings.Replace(removed, "1.0.0", "1.1.0", 1), models.EINVALID, "version", "2.0.0")
		refused("same version, new property", owner, "main", mainContract+"      - name: extra\n        logicalType: string\n", models.EINVALID, "version", "1.1.0")
		refused("older version", owner, "main", strings.Replace(mainContract, "1.0.0", "0.9.0", 1)+"      - name: extra\n        logicalType: string\n",
			models.EINVALID, "version", "greater")
		refused("a stranger", person(0, "mallory@example.com"), "main", strings.Replace(removed, "1.0.0", "2.0.0", 1), models.EFORBIDDEN, "", "owners")
		refused("a viewer", storetest.Viewer(), "main", strings.Replace(removed, "1.0.0", "2.0.0", 1), models.EFORBIDDEN, "", "")
		refused("no such port", owner, "nope", mainContract, models.ENOTFOUND, "", "no output port nope")

		again, err := s.SaveContract(ctx, owner, "sales", "leads", "main", parseContract(t, mainContract))
		mustOK(t, err, "same document")
		if again.Version != nil {
			t.Errorf("the same document made version %+v", again.Version)
		}
		statusOnly, err := s.SaveContract(ctx, owner, "sales", "leads", "main", parseContract(t, strings.Replace(mainContract, "status: active", "status: deprecated", 1)))
		mustOK(t, err, "status only")
		if statusOnly.Contract.Version != "1.0.0" || statusOnly.Contract.Status != "deprecated" {
			t.Errorf("status only: %+v", statusOnly.Contract)
		}
		major, err := s.SaveContract(ctx, owner, "sales", "leads", "main", parseContract(t, strings.Replace(removed, "1.0.0", "2.0.0", 1)))
		mustOK(t, err, "major")
		if !major.Version.Breaking || !strings.Contains(strings.Join(major.Version.Changes, " "), "note") {
			t.Errorf("major: %+v", major.Version)
		}
		versions, err := s.ContractVersions(ctx, "sales", "leads", "main")
		mustOK(t, err, "versions")
		if len(versions) != 2 || versions[0].Version != "2.0.0" || versions[1].Status != "deprecated" {
			t.Errorf("versions: %+v", versions)
		}
		if n := countWhere(t, s, "audit_entries", "entity_type = ?", "contract"); n != 3 {
			t.Errorf("%d audit entries of the contract, want 3", n)
		}
		mustOK(t, s.DeleteContract(ctx, owner, "sales", "leads", "main"), "delete")
		if n := countWhere(t, s, "contract_versions", "1 = 1"); n != 0 {
			t.Errorf("%d versions left after delete", n)
		}
		if err := s.DeleteContract(ctx, owner, "sales", "leads", "main"); models.ErrorCode(err) != models.ENOTFOUND {
			t.Errorf("delete twice: %v", err)
		}
	})
}

// Policies read a port's contract and its checks; a blocking policy
// requiring a contract stops activation until the port has one.
func TestPoliciesReadContracts(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		retireStarters(t, s)
		createDomain(t, s, "Sales", "sales@example.com")
		_, err := s.CreateProduct(ctx, admin, productInput("sales", "Leads"))
		mustOK(t, err, "create product")
		pol := adoptPolicy(t, s, models.PolicyInput{Name: "Active products have contracts", Severity: models.SeverityBlocking,
			Condition: "product.status == 'active'", Rule: "product.output_ports.all(p, p.contract.exists && p.contract.status == 'active')",
			Message: "'a port has no active contract'"})
		checks := adoptPolicy(t, s, models.PolicyInput{Name: "No failed checks", Severity: models.SeverityWarning,
			Rule: "!product.output_ports.exists(p, p.checks.exists(c, c.status == 'failed'))", Message: "'a check failed'"})
		_, err = s.PatchProduct(ctx, admin, "sales", "leads", func(in *models.ProductInput) error { in.Status = models.StatusActive; return nil })
		if len(models.ErrorPolicies(err)) != 1 {
			t.Fatalf("activation without a contract: %v", err)
		}
		saved, err := s.SaveContract(ctx, admin, "sales", "leads", "main", parseContract(t, mainContract))
		mustOK(t, err, "save contract")
		_, err = s.PatchProduct(ctx, admin, "sales", "leads", func(in *models.ProductInput) error { in.Status = models.StatusActive; return nil })
		mustOK(t, err, "activate with a contract")
		// Deprecating the contract of an active product is refused.
		_, err = s.SaveContract(ctx, admin, "sales", "leads", "main", parseContract(t, strings.Replace(mainContract, "status: active", "status: deprecated", 1)))
		if len(models.ErrorPolicies(err)) != 1 {
			t.Errorf("deprecating the contract of an active product: %v", err)
		}
		prod := product(t, s, "sales", "leads")
		assertResult(t, s, checks, prod, "pass", "")
		mustOK(t, s.RecordChecks(ctx, saved.Contract.ID, "manual", []models.CheckResult{
			{RuleID: "schema[0].quality[0]", Metric: "rowCount", Status: models.CheckFailed, Threshold: "> 10 rows"}}), "record checks")
		mustOK(t, s.EvaluatePolicies(ctx), "evaluate")
		assertResult(t, s, checks, prod, "fail", "a check failed")
		assertResult(t, s, pol, prod, "pass", "")
		quality, err := s.ProductFindingsOf(ctx, models.FindingQuality, prod.ID)
		mustOK(t, err, "findings")
		if len(quality) != 1 || !strings.Contains(quality[0].Detail, "rowCount") {
			t.Errorf("quality findings: %+v", quality)
		}
		mustOK(t, s.RecordChecks(ctx, saved.Contract.ID, "manual", []models.CheckResult{
			{RuleID: "schema[0].quality[0]", Metric: "rowCount", Status: models.CheckPassed, Threshold: "> 10 rows"}}), "record checks")
		if quality, _ := s.ProductFindingsOf(ctx, models.FindingQuality, prod.ID); len(quality) != 0 {
			t.Errorf("quality finding open after the checks passed: %+v", quality)
		}
	})
}

// tableCounts counts each table's rows.
func tableCounts(t *testing.T, s *models.Store, tables []string) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, table := range tables {
		out[table] = countWhere(t, s, table, "1 = 1")
	}
	return out
}

// A run where nothing could be measured leaves the quality finding as it
// was; removing the failing rule closes it; over-long headers are refused
// at their field; only verified people follow a contract.
func TestQualityFindingFollowsWhatIsKnown(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		createDomain(t, s, "Sales", "sales@example.com")
		_, err := s.CreateProduct(ctx, admin, productInput("sales", "Leads"))
		mustOK(t, err, "create product")
		saved, err := s.SaveContract(ctx, admin, "sales", "leads", "main", parseContract(t, mainContract))
		mustOK(t, err, "save")
		prod := product(t, s, "sales", "leads")
		open := func() int {
			t.Helper()
			fs, err := s.ProductFindingsOf(ctx, models.FindingQuality, prod.ID)
			mustOK(t, err, "findings")
			return len(fs)
		}
		rule := "schema[0].quality[0]"
		mustOK(t, s.RecordChecks(ctx, saved.Contract.ID, "manual", []models.CheckResult{{RuleID: rule, Metric: "rowCount", Status: models.CheckFailed}}), "failed")
		if open() != 1 {
			t.Fatal("no quality finding after a failed check")
		}
		mustOK(t, s.RecordChecks(ctx, saved.Contract.ID, "crawl", []models.CheckResult{{RuleID: rule, Metric: "rowCount", Status: models.CheckError,
			Message: "The checks did not run: connection refused"}}), "error")
		if open() != 1 {
			t.Error("a run that measured nothing closed the quality finding")
		}
		// The failing rule removed (a minor change): the finding closes, and
		// its old result is no longer the contract's latest.
		without := strings.Replace(strings.Replace(mainContract, "    quality:\n      - metric: rowCount\n        mustBeGreaterThan: 10\n", "", 1), "1.0.0", "1.1.0", 1)
		_, err = s.SaveContract(ctx, admin, "sales", "leads", "main", parseContract(t, without))
		mustOK(t, err, "remove the rule")
		if open() != 0 {
			t.Error("the quality finding stayed after its rule was removed")
		}
		v, err := s.PortContract(ctx, "sales", "leads", "main")
		mustOK(t, err, "contract")
		if len(v.Checks) != 0 {
			t.Errorf("results of a removed rule are still current: %+v", v.Checks)
		}

		_, err = s.SaveContract(ctx, admin, "sales", "leads", "main", parseContract(t, strings.Replace(without, "status: active", "status: "+strings.Repeat("s", 40), 1)))
		if !models.ErrorFields(err).Has("status") {
			t.Errorf("a 40-character status: %v", err)
		}
		unverified := person(7, "eve@example.com")
		unverified.EmailVerified = false
		if err := s.WatchContract(ctx, unverified, "sales", "leads", "main", true); models.ErrorCode(err) != models.EFORBIDDEN {
			t.Errorf("an unverified email follows the contract: %v", err)
		}
		mustOK(t, s.WatchContract(ctx, person(8, "bob@example.com"), "sales", "leads", "main", true), "verified person follows")
	})
}
