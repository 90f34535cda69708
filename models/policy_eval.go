package models

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/meshport/meshport/models/policy"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// How long evaluations may take. A batch (a policy change, a crawl, the
// schedule) has batchDeadline in all, and each policy at most
// policyBudget of it, so one slow policy turns into errors for the products
// it did not reach instead of stalling the rest; a save has saveDeadline.
const (
	batchDeadline = 60 * time.Second
	policyBudget  = 10 * time.Second
	saveDeadline  = 3 * time.Second
)

// livePolicy is a policy in force with its compiled programs.
type livePolicy struct {
	*Policy
	prg     *policy.Compiled
	problem string // why it does not compile (the engine changed under it)
}

func (lp *livePolicy) appliesIn(domainID uint) bool {
	return lp.Scope == ScopeGlobal || (lp.DomainID != nil && *lp.DomainID == domainID)
}

func loadLivePolicies(tx *gorm.DB) ([]livePolicy, error) {
	var ps []Policy
	if err := tx.Where("state = ?", PolicyAdopted).Order("id").Find(&ps).Error; err != nil {
		return nil, err
	}
	out := make([]livePolicy, len(ps))
	for i := range ps {
		out[i] = compileLive(&ps[i])
	}
	return out, nil
}

func compileLive(p *Policy) livePolicy {
	prg, problems := policy.Compile(p.cel())
	lp := livePolicy{Policy: p, prg: prg}
	if problems != nil {
		var parts []string
		for part, msg := range problems {
			parts = append(parts, part+": "+msg)
		}
		sort.Strings(parts)
		lp.problem = "It does not compile: " + strings.Join(parts, "; ")
	}
	return lp
}

// policySubject is one product ready to judge.
type policySubject struct {
	id, domainID uint
	name, slug   string
	status       string
	facts        *policy.Product
}

// judgement is one policy's result for one product, before it is stored.
type judgement struct {
	policy   *livePolicy
	outcome  string
	message  string
	waiverID *uint
}

// evaluator judges products against the policies in force.
type evaluator struct {
	ctx      context.Context
	now      time.Time
	policies []livePolicy
	domains  map[uint]*policy.Domain
	waivers  map[resultKey]*PolicyWaiver
	spent    map[uint]time.Duration // per policy, this run
	budget   time.Duration          // what spent may reach before a policy is stopped
}

type resultKey struct{ policy, product uint }

func (ev *evaluator) judge(sub *policySubject) []judgement {
	vars, err := policy.NewVars(policy.Input{Product: sub.facts, Domain: ev.domains[sub.domainID]}, ev.now)
	out := make([]judgement, 0, len(ev.policies))
	for i := range ev.policies {
		lp := &ev.policies[i]
		if !lp.appliesIn(sub.domainID) {
			continue
		}
		j := judgement{policy: lp}
		switch {
		case err != nil:
			j.outcome, j.message = string(policy.Error), "Its facts could not be bound: "+err.Error()
		case lp.problem != "":
			j.outcome, j.message = string(policy.Error), lp.problem
		case ev.spent[lp.ID] > ev.budget:
			j.outcome, j.message = string(policy.Error), fmt.Sprintf("Not evaluated: the policy took more than %v over this run and was stopped.", policyBudget)
		default:
			start := time.Now()
			res := lp.prg.Eval(ev.ctx, vars, lp.fallbackMessage())
			ev.spent[lp.ID] += time.Since(start)
			j.outcome, j.message = string(res.Outcome), res.Message
		}
		if j.outcome == string(policy.Fail) || j.outcome == string(policy.Error) {
			switch w := ev.waivers[resultKey{lp.ID, sub.id}]; {
			case w == nil:
			case w.ActiveAt(ev.now):
				j.outcome, j.waiverID = string(policy.Waived), &w.ID
			default:
				j.message = "The waiver ended on " + w.ExpiresAt.Format(time.DateOnly) + ". " + j.message
			}
		}
		out = append(out, j)
	}
	return out
}

// blockingFailures are the judgements that stop sub from being active.
func (ev *evaluator) blockingFailures(js []judgement) []PolicyFailure {
	var out []PolicyFailure
	for _, j := range js {
		if (j.outcome == string(policy.Fail) || j.outcome == string(policy.Error)) && j.policy.Blocks(ev.now) {
			out = append(out, PolicyFailure{PolicyID: j.policy.ID, Key: j.policy.Key, Name: j.policy.Name,
				Severity: j.policy.Severity, Field: j.policy.Field, Outcome: j.outcome, Message: j.message})
		}
	}
	return out
}

// PolicyFailure is a blocking policy that fails for a product, as a
// refusal reports it.
type PolicyFailure struct {
	PolicyID uint   `json:"id"`
	Key      string `json:"key"`
	Name     string `json:"name"`
	Severity string `json:"severity"`
	Field    string `json:"field,omitempty"`
	Outcome  string `json:"outcome"`
	Message  string `json:"message"`
}

// refusal is the error of a save that blocking policies stop: 422, each
// failing policy's message at its field (or at status), and the list.
func refusal(productName string, fails []PolicyFailure) error {
	fields := FieldErrors{}
	for _, f := range fails {
		field := f.Field
		if field == "" || field == "status" {
			field = "status"
		}
		msg := f.Name + ": " + f.Message
		if prev, ok := fields[field]; ok {
			msg = prev + " " + msg
		}
		fields[field] = msg
	}
	noun := "policy fails"
	if len(fails) > 1 {
		noun = "policies fail"
	}
	return &Error{Code: EINVALID, Fields: fields, Policies: fails,
		Message: fmt.Sprintf("%s cannot be active: %d blocking %s. Fix what they say, or save it as a draft.", productName, len(fails), noun)}
}

// newEvaluator loads the policies in force, the domains' facts and the
// waivers of the given products (nil: all).
func (s *Store) newEvaluator(ctx context.Context, tx *gorm.DB, productIDs []uint) (*evaluator, error) {
	pols, err := loadLivePolicies(tx)
	if err != nil {
		return nil, err
	}
	ev := &evaluator{ctx: ctx, now: s.now(), policies: pols, domains: map[uint]*policy.Domain{},
		waivers: map[resultKey]*PolicyWaiver{}, spent: map[uint]time.Duration{}, budget: policyBudget}
	var domains []Domain
	if err := tx.Find(&domains).Error; err != nil {
		return nil, err
	}
	totals, err := darkTotals(tx, s.findingRules)
	if err != nil {
		return nil, err
	}
	for i := range domains {
		ev.domains[domains[i].ID] = domainFacts(&domains[i], totals[domains[i].ID], s.findingRules)
	}
	q := tx.Where("state = ?", WaiverApproved).Order("expires_at")
	if productIDs != nil {
		q = q.Where("product_id IN ?", productIDs)
	}
	var ws []PolicyWaiver
	if err := q.Find(&ws).Error; err != nil {
		return nil, err
	}
	for i := range ws {
		ev.waivers[resultKey{ws[i].PolicyID, ws[i].ProductID}] = &ws[i]
	}
	return ev, nil
}

// evaluatePolicies judges the given products (nil: every product) against
// every policy in force and stores what changed: results, their history,
// and the products' scores and levels. It returns the judgements by
// product and whether any score or level changed (the catalog shows them).
func (s *Store) evaluatePolicies(ctx context.Context, tx *gorm.DB, productIDs []uint) (map[uint][]judgement, bool, error) {
	if productIDs != nil && len(productIDs) == 0 {
		return nil, false, nil
	}
	ev, err := s.newEvaluator(ctx, tx, productIDs)
	if err != nil {
		return nil, false, err
	}
	subjects, err := loadPolicySubjects(tx, productIDs, ev.now)
	if err != nil {
		return nil, false, err
	}
	byProduct, existing, err := judgeWhileLoading(ev, tx, subjects)
	if err != nil {
		return nil, false, err
	}
	changed, err := storeJudgements(tx, subjects, byProduct, existing, ev.now)
	return byProduct, changed, err
}

// judgeWhileLoading judges the subjects on every core while the stored
// results are read, which takes as long again; a handful of subjects is
// judged in line. Each worker gets its share of the per-policy budget.
func judgeWhileLoading(ev *evaluator, tx *gorm.DB, subjects []policySubject) (map[uint][]judgement, storedResults, error) {
	expected := len(subjects) * len(ev.policies)
	if len(subjects) < 200 {
		byProduct := make(map[uint][]judgement, len(subjects))
		for i := range subjects {
			byProduct[subjects[i].id] = ev.judge(&subjects[i])
		}
		existing, err := loadResults(tx, subjects, expected)
		return byProduct, existing, err
	}
	workers := min(runtime.GOMAXPROCS(0), 4)
	parts := make([][]judgement, len(subjects)) // by subject index: no shared map
	var wg sync.WaitGroup
	for w := range workers {
		worker := *ev // shares the read-only policies, domains and waivers
		worker.spent, worker.budget = map[uint]time.Duration{}, ev.budget/time.Duration(workers)
		wg.Go(func() {
			for i := w; i < len(subjects); i += workers {
				parts[i] = worker.judge(&subjects[i])
			}
		})
	}
	existing, err := loadResults(tx, subjects, expected)
	wg.Wait()
	byProduct := make(map[uint][]judgement, len(subjects))
	for i := range subjects {
		byProduct[subjects[i].id] = parts[i]
	}
	return byProduct, existing, err
}

// EvaluatePolicies re-evaluates every product (the schedule, start-up):
// enforce-from days pass, waivers expire and time-based rules move without
// any write. It reports how many results changed outcome.
func (s *Store) EvaluatePolicies(ctx context.Context) error {
	return s.evaluatePoliciesOf(ctx, nil)
}

// evaluatePoliciesOf runs evaluatePolicies in its own transaction, under the
// findings lock that catalog writes take, and refreshes the catalog when a
// score moved.
func (s *Store) evaluatePoliciesOf(ctx context.Context, productIDs []uint) error {
	ctx, cancel := context.WithTimeout(ctx, batchDeadline)
	defer cancel()
	var changed bool
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lockFindings(tx); err != nil {
			return err
		}
		var err error
		if _, changed, err = s.evaluatePolicies(ctx, tx, productIDs); err != nil {
			return err
		}
		if productIDs == nil {
			if err := recordComplianceDay(tx, s.now()); err != nil {
				return err
			}
		}
		if changed {
			return bumpVersion(tx, catalogVersionRow)
		}
		return nil
	})
	if err == nil && changed {
		s.cat.wrote()
	}
	return internal("evaluate policies", err)
}

// judgeSave evaluates a product inside its save and refuses an active one
// that a blocking policy in force stops; the refusal rolls the save back.
func (s *Store) judgeSave(tx *gorm.DB, prod *Product) error {
	ctx, cancel := context.WithTimeout(tx.Statement.Context, saveDeadline)
	defer cancel()
	byProduct, _, err := s.evaluatePolicies(ctx, tx, []uint{prod.ID})
	if err != nil {
		return err
	}
	if prod.Status != StatusActive {
		return nil // drafts are told on their page, never blocked
	}
	ev := evaluator{now: s.now()}
	if fails := ev.blockingFailures(byProduct[prod.ID]); len(fails) > 0 {
		return refusal(prod.Name, fails)
	}
	return nil
}

// storeJudgements writes the results that changed for subjects, an event
// for each changed outcome, drops results of policies no longer in force
// for them, and updates their scores and levels.
func storeJudgements(tx *gorm.DB, subjects []policySubject, byProduct map[uint][]judgement, existing storedResults, now time.Time) (bool, error) {
	var upserts []PolicyResult
	var events []PolicyResultEvent
	var stale []resultKey
	type scoreRow struct {
		score *int
		level string
	}
	scores := map[uint]scoreRow{}
	current := map[uint]scoreRow{}
	for _, sub := range subjects {
		js := byProduct[sub.id]
		keep := make(map[uint]bool, len(js))
		for _, j := range js {
			key := resultKey{j.policy.ID, sub.id}
			keep[j.policy.ID] = true
			old, had := existing.results[key]
			r := PolicyResult{PolicyID: j.policy.ID, ProductID: sub.id, Outcome: j.outcome, Message: j.message, WaiverID: j.waiverID, Since: now, CheckedAt: now}
			if had && old.Outcome == r.Outcome {
				// The upsert keeps the stored since when the outcome holds.
				if old.Message == r.Message && uintPtrEqual(old.WaiverID, r.WaiverID) {
					continue // unchanged: not rewritten
				}
			} else {
				events = append(events, PolicyResultEvent{PolicyID: r.PolicyID, ProductID: sub.id, Outcome: r.Outcome, Message: r.Message, At: now})
			}
			upserts = append(upserts, r)
		}
		for _, policyID := range existing.byProduct[sub.id] {
			if !keep[policyID] {
				stale = append(stale, resultKey{policyID, sub.id})
			}
		}
		score, level := scoreOf(js)
		scores[sub.id] = scoreRow{score, level}
		current[sub.id] = scoreRow{existing.scores[sub.id], existing.levels[sub.id]}
	}
	if len(upserts) > 0 {
		// SET expressions see the row before the update, on SQLite and
		// PostgreSQL alike: since moves only when the outcome does.
		set := append(clause.AssignmentColumns([]string{"outcome", "message", "waiver_id", "checked_at"}),
			clause.Assignment{Column: clause.Column{Name: "since"},
				Value: gorm.Expr("CASE WHEN policy_results.outcome = excluded.outcome THEN policy_results.since ELSE excluded.since END")})
		err := tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "policy_id"}, {Name: "product_id"}},
			DoUpdates: set,
		}).Omit(clause.Associations).CreateInBatches(upserts, 400).Error
		if err != nil {
			return false, err
		}
	}
	if len(events) > 0 {
		if err := tx.Omit(clause.Associations).CreateInBatches(events, 400).Error; err != nil {
			return false, err
		}
	}
	for _, key := range stale {
		if err := tx.Where("policy_id = ? AND product_id = ?", key.policy, key.product).Delete(&PolicyResult{}).Error; err != nil {
			return false, err
		}
	}
	changed := false
	for id, sc := range scores {
		cur := current[id]
		if intPtrEqual(cur.score, sc.score) && cur.level == sc.level {
			continue
		}
		changed = true
		if err := tx.Model(&Product{}).Where("id = ?", id).UpdateColumns(map[string]any{"policy_score": sc.score, "policy_level": sc.level}).Error; err != nil {
			return false, err
		}
	}
	return changed, nil
}

// scoreOf is the share of applicable policies passed or waived, blocking
// ones counting double, and the highest level whose policies, with those
// of every lower level, all pass or are waived.
func scoreOf(js []judgement) (*int, string) {
	var total, passed int
	levels := PolicyLevels()
	failedAt := len(levels) // lowest level with a failure
	seenAt := -1            // highest level with an applicable policy
	for _, j := range js {
		if j.outcome == string(policy.NotApplicable) {
			continue
		}
		w := 1
		if j.policy.Severity == SeverityBlocking {
			w = 2
		}
		total += w
		ok := j.outcome == string(policy.Pass) || j.outcome == string(policy.Waived)
		if ok {
			passed += w
		}
		if l := indexOf(levels, j.policy.Level); l >= 0 {
			seenAt = max(seenAt, l)
			if !ok {
				failedAt = min(failedAt, l)
			}
		}
	}
	if total == 0 {
		return nil, ""
	}
	score := int(math.Floor(100 * float64(passed) / float64(total)))
	reached := min(seenAt, failedAt-1)
	if reached < 0 {
		return &score, ""
	}
	return &score, levels[reached]
}

func indexOf(set []string, v string) int {
	for i, s := range set {
		if s == v {
			return i
		}
	}
	return -1
}

// storedResult is what a re-evaluation compares of a stored result.
type storedResult struct {
	Outcome, Message string
	WaiverID         *uint
}

type storedResults struct {
	results map[resultKey]storedResult
	// byProduct lists each product's stored policies, so finding the
	// stale ones is not a scan of every result per product.
	byProduct map[uint][]uint
	scores    map[uint]*int
	levels    map[uint]string
}

// loadResults reads the stored results and scores of subjects.
func loadResults(tx *gorm.DB, subjects []policySubject, expected int) (storedResults, error) {
	out := storedResults{results: make(map[resultKey]storedResult, expected), byProduct: make(map[uint][]uint, len(subjects)),
		scores: make(map[uint]*int, len(subjects)), levels: make(map[uint]string, len(subjects))}
	ids := make([]uint, len(subjects))
	for i, sub := range subjects {
		ids[i] = sub.id
	}
	all := len(ids) > 500 // a filter of thousands of ids costs more than reading everything
	// since is not read: parsing 200,000 times was a fifth of a re-evaluation.
	q := "SELECT policy_id, product_id, outcome, message, waiver_id FROM policy_results"
	args := []any{}
	if !all {
		q += " WHERE product_id IN ?"
		args = append(args, ids)
	}
	rows, err := tx.Raw(q, args...).Rows()
	if err != nil {
		return out, err
	}
	defer rows.Close()
	var outcome, message sql.RawBytes // copied below: most are one of five outcomes and empty
	for rows.Next() {
		var key resultKey
		var r storedResult
		var waiver sql.NullInt64
		if err := rows.Scan(&key.policy, &key.product, &outcome, &message, &waiver); err != nil {
			return out, err
		}
		r.Outcome = internOutcome(outcome)
		if len(message) > 0 {
			r.Message = string(message)
		}
		if waiver.Valid {
			id := uint(waiver.Int64)
			r.WaiverID = &id
		}
		out.results[key] = r
		out.byProduct[key.product] = append(out.byProduct[key.product], key.policy)
	}
	if err := rows.Err(); err != nil {
		return out, err
	}
	q = "SELECT id, policy_score, policy_level FROM products"
	if !all {
		q += " WHERE id IN ?"
	}
	srows, err := tx.Raw(q, args...).Rows()
	if err != nil {
		return out, err
	}
	defer srows.Close()
	for srows.Next() {
		var id uint
		var score sql.NullInt64
		var level string
		if err := srows.Scan(&id, &score, &level); err != nil {
			return out, err
		}
		if score.Valid {
			v := int(score.Int64)
			out.scores[id] = &v
		}
		out.levels[id] = level
	}
	return out, srows.Err()
}

// internOutcome returns the outcome as one of the shared constants, so
// reading 200,000 results does not allocate 200,000 strings.
func internOutcome(b []byte) string {
	for _, o := range []policy.Outcome{policy.Pass, policy.Fail, policy.Error, policy.Waived, policy.NotApplicable} {
		if string(b) == string(o) {
			return string(o)
		}
	}
	return string(b)
}

func intPtrEqual(a, b *int) bool { return (a == nil && b == nil) || (a != nil && b != nil && *a == *b) }

// ComplianceDay is one day's mean score of a domain's scored products
// (DomainID 0: the whole mesh), for the leaderboard's trend.
type ComplianceDay struct {
	Day      string `gorm:"size:10;primaryKey" json:"day"`
	DomainID uint   `gorm:"primaryKey;autoIncrement:false" json:"-"`
	Scored   int    `gorm:"not null" json:"scored"`
	ScoreSum int64  `gorm:"not null" json:"score_sum"`
}

// Mean is the day's mean score in percent, -1 when nothing was scored.
func (d ComplianceDay) Mean() int {
	if d.Scored == 0 {
		return -1
	}
	return int(d.ScoreSum / int64(d.Scored))
}

// recordComplianceDay stores today's mean scores per domain and overall.
func recordComplianceDay(tx *gorm.DB, now time.Time) error {
	var rows []struct {
		DomainID uint
		Scored   int
		ScoreSum int64
	}
	if err := tx.Model(&Product{}).Select("domain_id, count(policy_score) AS scored, coalesce(sum(policy_score), 0) AS score_sum").
		Group("domain_id").Scan(&rows).Error; err != nil {
		return err
	}
	day := now.UTC().Format(time.DateOnly)
	all := ComplianceDay{Day: day}
	days := make([]ComplianceDay, 0, len(rows)+1)
	for _, r := range rows {
		days = append(days, ComplianceDay{Day: day, DomainID: r.DomainID, Scored: r.Scored, ScoreSum: r.ScoreSum})
		all.Scored += r.Scored
		all.ScoreSum += r.ScoreSum
	}
	days = append(days, all)
	return tx.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "day"}, {Name: "domain_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"scored", "score_sum"}),
	}).Create(&days).Error
}

// ComplianceTrend returns the last days of compliance, oldest first, by
// domain id (0: the whole mesh).
func (s *Store) ComplianceTrend(ctx context.Context, days int) (map[uint][]ComplianceDay, error) {
	from := s.now().AddDate(0, 0, -days).Format(time.DateOnly)
	var rows []ComplianceDay
	if err := s.db.WithContext(ctx).Where("day > ?", from).Order("day").Find(&rows).Error; err != nil {
		return nil, internal("compliance trend", err)
	}
	out := map[uint][]ComplianceDay{}
	for _, r := range rows {
		out[r.DomainID] = append(out[r.DomainID], r)
	}
	return out, nil
}

// EvaluateSourcePolicies re-evaluates the products with a port in the
// source, after a crawl changed what their assets look like.
func (s *Store) EvaluateSourcePolicies(ctx context.Context, sourceID uint) error {
	var ids []uint
	if err := s.db.WithContext(ctx).Model(&OutputPort{}).Distinct("product_id").Where("source_id = ?", sourceID).Pluck("product_id", &ids).Error; err != nil {
		return internal("products of a source", err)
	}
	if len(ids) == 0 {
		return nil
	}
	return s.evaluatePoliciesOf(ctx, ids)
}

// darkTotals sums the open dark-data findings per domain through tx: a
// save must not wait for a second pool connection while it holds the
// write lock (on SQLite the other connections may all be queued behind it).
func darkTotals(tx *gorm.DB, rules FindingRules) (map[uint]*FindingTotals, error) {
	var rows []struct {
		DomainID uint
		Kind     string
		Bytes    int64
	}
	err := tx.Raw(`SELECT f.domain_id, coalesce(s.kind, '') AS kind, coalesce(sum(f.size_bytes), 0) AS bytes
		FROM findings f LEFT JOIN sources s ON s.id = f.source_id
		WHERE f.kind = ? AND f.status = ? AND f.usage_known GROUP BY f.domain_id, s.kind`, FindingDarkData, FindingOpen).Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	out := map[uint]*FindingTotals{}
	for _, r := range rows {
		t := out[r.DomainID]
		if t == nil {
			t = &FindingTotals{}
			out[r.DomainID] = t
		}
		t.DarkBytes += r.Bytes
		t.DarkCost += rules.MonthlyCost(r.Kind, &r.Bytes)
	}
	return out, nil
}
