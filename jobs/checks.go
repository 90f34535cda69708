package jobs

import (
	"context"
	"log/slog"

	"github.com/meshport/meshport/jobs/connectors"
	"github.com/meshport/meshport/models"
	"github.com/meshport/meshport/models/contractcheck"
)

// Checks runs contracts' quality rules on their sources and records the
// results: after each crawl of a source, and when a person asks.
type Checks struct {
	store *models.Store
	log   *slog.Logger
}

// NewChecks returns the check runner.
func NewChecks(store *models.Store, log *slog.Logger) *Checks { return &Checks{store: store, log: log} }

// RunChecks runs one contract's rules and records them (trigger: "manual",
// "crawl"). A source that cannot be reached gives every rule an error
// result, so the page says so instead of showing old results as current.
func (k *Checks) RunChecks(ctx context.Context, target models.CheckTarget, trigger string) ([]models.CheckResult, error) {
	settings, err := k.store.ConnectorSettings(target.Source)
	if err != nil {
		return nil, err
	}
	var rules []contractcheck.Rule
	var ran []contractcheck.Result
	for _, r := range target.Rules {
		if r.Type == contractcheck.RuleSQL && target.Source.DomainID != target.DomainID {
			ran = append(ran, contractcheck.Result{RuleID: r.ID, Status: contractcheck.StatusNotRun,
				Message: "not run: SQL checks run only on sources of the product's own domain, and " + target.Source.Name + " belongs to another"})
			continue
		}
		rules = append(rules, contractcheck.Rule{ID: r.ID, Type: r.Type, Metric: r.Metric, Column: r.Property, Arguments: r.Arguments,
			Query: r.Query, Operator: r.Operator, Value: r.Value, Values: r.Values, Unit: r.Unit})
	}
	now := k.store.Now()
	if len(rules) > 0 {
		results, err := connectors.RunChecks(ctx, settings, k.store.SourcePolicy(), contractcheck.Table{Schema: target.Schema, Name: target.Table}, rules)
		if err != nil {
			// Connector errors are plain sentences without the DSN.
			results = make([]contractcheck.Result, len(rules))
			for i, r := range rules {
				results[i] = contractcheck.Result{RuleID: r.ID, Status: contractcheck.StatusError, Message: "The checks did not run: " + err.Error()}
			}
		}
		ran = append(ran, results...)
	}
	byID := make(map[string]models.ExpectRule, len(target.Rules))
	for _, r := range target.Rules {
		byID[r.ID] = r
	}
	results := make([]models.CheckResult, len(ran))
	for i, r := range ran {
		rule := byID[r.RuleID]
		results[i] = models.CheckResult{RuleID: r.RuleID, RuleName: rule.Name, Property: rule.Property, Metric: rule.Metric,
			Severity: rule.Severity, Status: r.Status, Measured: r.Measured, Threshold: r.Threshold, Message: r.Message,
			TookMS: r.Took.Milliseconds(), RanAt: now}
		if rule.Metric == "" && rule.Type == "sql" {
			results[i].Metric = "sql"
		}
	}
	if err := k.store.RecordChecks(ctx, target.ContractID, trigger, results); err != nil {
		return nil, err
	}
	return results, nil
}

// AfterCrawl runs the checks of every contract on the source's tables.
func (k *Checks) AfterCrawl(ctx context.Context, sourceID uint) {
	targets, err := k.store.ContractChecks(ctx, sourceID)
	if err != nil {
		k.log.Error("list contract checks", "source", sourceID, "error", err)
		return
	}
	for _, t := range targets {
		if _, err := k.RunChecks(ctx, t, "crawl"); err != nil && ctx.Err() == nil {
			k.log.Error("run contract checks", "contract", t.ContractID, "error", err)
		}
	}
}
