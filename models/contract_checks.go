package models

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// CheckTarget is a contract whose quality rules can run: its port is a
// table in a crawled database source.
type CheckTarget struct {
	ContractID uint
	// DomainID is the product's domain: sql rules run only on its own
	// domain's sources (they can read any table the source's credentials
	// can; the library metrics read only the port's table).
	DomainID    uint
	ProductName string
	PortName    string
	Source      *Source
	Schema      string
	Table       string
	Object      string
	Rules       []ExpectRule
}

// ContractChecks lists the contracts with quality rules at the ports in a
// source, for a run after its crawl.
func (s *Store) ContractChecks(ctx context.Context, sourceID uint) ([]CheckTarget, error) {
	targets, err := (&evaluation{tx: s.db.WithContext(ctx)}).loadContractTargets(findingScope{sources: []uint{sourceID}})
	if err != nil {
		return nil, internal("list contract checks", err)
	}
	src, err := s.GetSource(ctx, strconv.FormatUint(uint64(sourceID), 10))
	if err != nil {
		return nil, err
	}
	var out []CheckTarget
	for _, t := range targets {
		if ct, ok := checkTargetOf(t, src); ok {
			out = append(out, ct)
		}
	}
	return out, nil
}

// PortChecks is the check target of one port, for "Run checks now"; it
// says why when the port's rules cannot run.
func (s *Store) PortChecks(ctx context.Context, p Principal, domainSlug, productSlug, portName string) (*CheckTarget, error) {
	v, err := s.PortContract(ctx, domainSlug, productSlug, portName)
	if err != nil {
		return nil, err
	}
	if !p.CanManageProducts(v.Product.Domain) {
		return nil, Errorf(EFORBIDDEN, "Only admins and the owners of %s can run its checks.", v.Product.Domain.Name)
	}
	if v.Contract == nil {
		return nil, Errorf(ECONFLICT, "Port %s has no contract, so it has no checks.", v.Port.Name)
	}
	targets, err := (&evaluation{tx: s.db.WithContext(ctx)}).loadContractTargets(findingScope{products: []uint{v.Product.ID}})
	if err != nil {
		return nil, internal("load contract target", err)
	}
	for _, t := range targets {
		if t.contractID != v.Contract.ID {
			continue
		}
		if v.Port.Source == nil {
			break
		}
		ct, ok := checkTargetOf(t, v.Port.Source)
		if !ok {
			if d := driftOf(t); d.Why != "" && !d.Checked || d.TableGone || d.NoObject {
				return nil, Errorf(ECONFLICT, "The checks cannot run: %s.", d.Why)
			}
			return nil, Errorf(ECONFLICT, "The contract of %s has no quality rules to run.", v.Port.Name)
		}
		return &ct, nil
	}
	return nil, Errorf(ECONFLICT, "The checks cannot run: port %s is not a table in a crawled database source.", v.Port.Name)
}

func checkTargetOf(t contractTarget, src *Source) (CheckTarget, bool) {
	if t.productStatus == StatusRetired {
		return CheckTarget{}, false
	}
	d := driftOf(t)
	if !d.Checked || d.TableGone || d.NoObject {
		return CheckTarget{}, false
	}
	var objects []ContractExpect
	_ = json.Unmarshal([]byte(t.expect), &objects)
	obj, _ := objectFor(objects, t.assetSchema, t.assetName)
	if len(obj.Rules) == 0 {
		return CheckTarget{}, false
	}
	return CheckTarget{ContractID: t.contractID, DomainID: t.domainID, ProductName: t.productName, PortName: t.portName, Source: src,
		Schema: t.assetSchema, Table: t.assetName, Object: obj.Table(), Rules: obj.Rules}, true
}

// checkHistoryDays is how long check results are kept.
const checkHistoryDays = 90

// RecordChecks stores one run of a contract's checks and moves its quality
// finding (see judgeQuality).
func (s *Store) RecordChecks(ctx context.Context, contractID uint, trigger string, results []CheckResult) error {
	now := s.now()
	err := s.writeFindings(ctx, func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&Contract{}).Where("id = ?", contractID).Count(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			return Errorf(ENOTFOUND, "The contract is gone.")
		}
		for i := range results {
			results[i].ID, results[i].ContractID, results[i].Trigger = 0, contractID, trigger
			if results[i].RanAt.IsZero() {
				results[i].RanAt = now
			}
			r := &results[i]
			// Each to its column (truncate adds an ellipsis: one less).
			r.Message, r.RuleID, r.RuleName = truncate(r.Message, 2000), truncate(r.RuleID, 299), truncate(r.RuleName, 299)
			r.Property, r.Metric, r.Severity = truncate(r.Property, 299), truncate(r.Metric, 63), truncate(r.Severity, 31)
			r.Threshold, r.Status = truncate(r.Threshold, 199), truncate(r.Status, 15)
		}
		if len(results) > 0 {
			if err := tx.Create(&results).Error; err != nil {
				return err
			}
		}
		if err := tx.Where("contract_id = ? AND ran_at < ?", contractID, now.Add(-checkHistoryDays*24*time.Hour)).Delete(&CheckResult{}).Error; err != nil {
			return err
		}
		return s.judgeQuality(tx, contractID, now)
	})
	return internal("record checks", err)
}

// checkSentence is a failed result in a few words.
func checkSentence(r CheckResult) string {
	what := r.RuleName
	if what == "" {
		what = r.Metric
		if r.Property != "" {
			what = r.Property + " " + what
		}
	}
	measured := "?"
	if r.Measured != nil {
		measured = fmt.Sprintf("%g", *r.Measured)
	}
	return fmt.Sprintf("%s measured %s, must be %s", what, measured, r.Threshold)
}

// CheckHistory lists a contract's results, newest first, at most limit.
func (s *Store) CheckHistory(ctx context.Context, contractID uint, limit int) ([]CheckResult, error) {
	var out []CheckResult
	err := s.db.WithContext(ctx).Where("contract_id = ?", contractID).Order("ran_at DESC, id DESC").Limit(limit).Find(&out).Error
	return out, internal("check history", err)
}

// judgeQuality moves a contract's quality finding by the latest result of
// each of its current rules: open while one fails; closed once none fails
// and one passed. Rules that did not run (not run, error) say nothing
// either way, so a source that is down leaves the finding as it was.
func (s *Store) judgeQuality(tx *gorm.DB, contractID uint, now time.Time) error {
	var c struct {
		ProductID uint
		DomainID  uint
		Name      string
		PortName  string
		Status    string
		Expect    string
	}
	err := tx.Table("contracts").Select("contracts.product_id, products.domain_id, products.name, contracts.port_name, products.status, contracts.expect").
		Joins("JOIN products ON products.id = contracts.product_id").Where("contracts.id = ?", contractID).Take(&c).Error
	if err != nil {
		return err
	}
	latest, err := latestChecks(tx, contractID, c.Expect)
	if err != nil {
		return err
	}
	var failed []string
	passed := 0
	for _, r := range latest {
		switch r.Status {
		case CheckFailed:
			failed = append(failed, checkSentence(r))
		case CheckPassed:
			passed++
		}
	}
	ev := &evaluation{tx: tx, now: now, rules: s.findingRules}
	existing, err := ev.existing(FindingQuality, findingScope{products: []uint{}}, []uint{contractID})
	if err != nil {
		return err
	}
	var want *Finding
	why := "every check passed"
	switch {
	case c.Status == StatusRetired:
		why = "the product is retired"
	case len(failed) > 0:
		productID := c.ProductID
		detail := fmt.Sprintf("%d of %d checks failed: %s", len(failed), len(latest), strings.Join(failed, "; "))
		want = &Finding{Kind: FindingQuality, SubjectID: contractID, ProductID: &productID, DomainID: c.DomainID,
			Title: c.Name + " · " + c.PortName, Detail: truncate(detail, 1000)}
	case len(currentRules(c.Expect)) == 0:
		why = "the contract has no quality rules any more"
	case passed == 0:
		return nil // nothing ran: nothing is known
	}
	ev.judge(existing[contractID], want, contractID, FindingQuality, why)
	if err := ev.write(); err != nil {
		return err
	}
	if len(ev.upserts) > 0 {
		return bumpVersion(tx, findingsVersionRow)
	}
	return nil
}

// currentRules are the ids of the quality rules a contract's expectations
// hold now; results of rules removed or moved are history, not current.
func currentRules(expect string) map[string]bool {
	var objects []ContractExpect
	_ = json.Unmarshal([]byte(expect), &objects)
	out := map[string]bool{}
	for _, o := range objects {
		for _, r := range o.Rules {
			out[r.ID] = true
		}
	}
	return out
}
