package models

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Findings are re-evaluated after each crawl (that source's assets and the
// products whose ports name it), inside each product or domain write (the
// assets at the product's ports, so claiming an asset closes its finding at
// once), and on a schedule (everything: time alone makes data unread and
// products stale, and ends decisions whose expiry passed).

// findingScope limits an evaluation; the zero value means everything.
type findingScope struct {
	sources  []uint    // these sources' assets, and the products with ports there
	ports    []portRef // just these assets (by key or parent key)
	products []uint
	domain   uint // this domain's assets and products
}

type portRef struct {
	source uint
	key    string
}

func (sc findingScope) all() bool {
	return sc.sources == nil && sc.ports == nil && sc.products == nil && sc.domain == 0
}

// findingsLockKey serialises evaluations across replicas on PostgreSQL
// (SQLite's write transactions are serial anyway).
const findingsLockKey = 0x6d657368_66696e64 // "meshfind"

// lockFindings takes the transaction-scoped findings lock. Writers that
// evaluate inside their own transaction take it first, before any row
// lock, so an evaluation waiting for their rows cannot deadlock with them.
func lockFindings(tx *gorm.DB) error {
	if tx.Dialector.Name() != "postgres" {
		return nil
	}
	return tx.Exec("SELECT pg_advisory_xact_lock(?)", int64(findingsLockKey)).Error
}

// EvaluateFindings re-evaluates every finding; it reports how many changed.
func (s *Store) EvaluateFindings(ctx context.Context) (int, error) {
	return s.evaluate(ctx, findingScope{})
}

// EvaluateSourceFindings re-evaluates a source's dark data and the products
// whose ports name it, after a crawl.
func (s *Store) EvaluateSourceFindings(ctx context.Context, sourceID uint) (int, error) {
	n, err := s.evaluate(ctx, findingScope{sources: []uint{sourceID}})
	if err != nil {
		return n, err
	}
	return n, s.RecordHealthDay(ctx) // the day's totals also move without a finding changing (sizes)
}

// evaluate runs in the background (crawls, the schedule, start-up), so it
// loads the new findings snapshot itself after the commit while pages keep
// showing the last one, instead of making the next page views wait for it.
func (s *Store) evaluate(ctx context.Context, scope findingScope) (int, error) {
	var changed int
	err := s.inFindingsLock(ctx, func(tx *gorm.DB) error {
		var err error
		changed, err = evaluateIn(tx, scope, s.now(), s.findingRules)
		return err
	})
	if err != nil {
		return 0, internal("evaluate findings", err)
	}
	if changed > 0 {
		// A failure here only leaves the reload to the next page view.
		if err := s.findings.refresh(ctx, s.versionReader(findingsVersionRow), s.loadFindings); err != nil {
			s.findings.wrote()
		}
	}
	return changed, nil
}

// evaluateIn evaluates the scope's findings inside tx (which holds the
// findings lock) and bumps the findings version when any changed.
func evaluateIn(tx *gorm.DB, scope findingScope, now time.Time, rules FindingRules) (int, error) {
	ev, err := evaluateAs(tx, scope, now, rules, "")
	if err != nil {
		return 0, err
	}
	return len(ev.upserts), nil
}

// evaluateAs is evaluateIn on behalf of actor, returning what it did.
func evaluateAs(tx *gorm.DB, scope findingScope, now time.Time, rules FindingRules, actor string) (*evaluation, error) {
	ev := &evaluation{tx: tx, now: now, rules: rules, actor: actor}
	if err := ev.loadDomains(); err != nil {
		return nil, err
	}
	if err := ev.darkData(scope); err != nil {
		return nil, fmt.Errorf("dark data: %w", err)
	}
	if err := ev.productFindings(scope); err != nil {
		return nil, fmt.Errorf("product findings: %w", err)
	}
	if err := ev.contractDrift(scope); err != nil {
		return nil, fmt.Errorf("contract drift: %w", err)
	}
	if err := ev.write(); err != nil {
		return nil, err
	}
	if len(ev.upserts) > 0 {
		if err := bumpVersion(tx, findingsVersionRow); err != nil {
			return nil, err
		}
	}
	return ev, nil
}

type evaluation struct {
	tx         *gorm.DB
	actor      string // who caused it, when a person's write did
	now        time.Time
	rules      FindingRules
	unreadDays map[uint]int // by domain
	upserts    []Finding
	events     []pendingEvent
	titles     map[uint]string // of dark-data subjects with events, for the audit log
}

type pendingEvent struct {
	kind    string
	subject uint
	event   string
	note    string
	finding uint // set by write
}

func (ev *evaluation) loadDomains() error {
	var domains []struct {
		ID         uint
		UnreadDays int
	}
	if err := ev.tx.Table("domains").Select("id, unread_days").Scan(&domains).Error; err != nil {
		return err
	}
	ev.unreadDays = make(map[uint]int, len(domains))
	for _, d := range domains {
		ev.unreadDays[d.ID] = d.UnreadDays
	}
	return nil
}

// cutoff is the moment before which "unread" starts to count in a domain.
func (ev *evaluation) cutoff(domainID uint) time.Time {
	days := ev.unreadDays[domainID]
	if days <= 0 {
		days = ev.rules.UnreadDays
	}
	return ev.now.AddDate(0, 0, -days)
}

// assetFacts is what judging an asset needs.
type assetFacts struct {
	id, sourceID, domainID uint
	key, kind, parent      string
	size                   *int64
	firstSeen              time.Time
	gone                   *time.Time
	usageKnown             bool
	usageSince, lastRead   *time.Time
}

func (ev *evaluation) loadAssets(scope findingScope) ([]assetFacts, error) {
	q := ev.tx.Table("assets a").Joins("JOIN sources s ON s.id = a.source_id").
		Select("a.id, a.source_id, s.domain_id, a.key, a.kind, a.parent, a.size_bytes, a.first_seen_at, a.gone_at, a.usage_known, a.usage_since, a.last_read_at")
	switch {
	case scope.all():
	case scope.domain != 0:
		q = q.Where("s.domain_id = ?", scope.domain)
	case scope.sources != nil:
		q = q.Where("a.source_id IN ?", scope.sources)
	case scope.ports != nil:
		cond := ev.tx.Where("1 = 0")
		for _, p := range scope.ports {
			cond = cond.Or("a.source_id = ? AND (a.key = ? OR a.parent = ?)", p.source, p.key, p.key)
		}
		q = q.Where(cond)
	default:
		return nil, nil
	}
	rows, err := q.Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []assetFacts
	for rows.Next() {
		var a assetFacts
		if err := rows.Scan(&a.id, &a.sourceID, &a.domainID, &a.key, &a.kind, &a.parent, &a.size, &a.firstSeen, &a.gone,
			&a.usageKnown, &a.usageSince, &a.lastRead); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// owners maps (source, asset key) to the name of a product whose port
// points there; retired products own nothing.
func (ev *evaluation) owners(sources []uint) (map[portRef]string, error) {
	var ports []struct {
		SourceID uint
		Location string
		Name     string
	}
	q := ev.tx.Table("output_ports op").Joins("JOIN products p ON p.id = op.product_id").
		Select("op.source_id, op.location, p.name").Where("op.source_id IS NOT NULL AND p.status <> ?", StatusRetired)
	if sources != nil {
		q = q.Where("op.source_id IN ?", sources)
	}
	if err := q.Scan(&ports).Error; err != nil {
		return nil, err
	}
	out := make(map[portRef]string, len(ports))
	for _, p := range ports {
		out[portRef{p.SourceID, p.Location}] = p.Name
	}
	return out, nil
}

func (ev *evaluation) existing(kind string, scope findingScope, subjects []uint) (map[uint]*Finding, error) {
	q := ev.tx.Where("kind = ?", kind)
	switch {
	case scope.all():
	case scope.domain != 0:
		q = q.Where("domain_id = ?", scope.domain)
	case kind == FindingDarkData && scope.sources != nil:
		q = q.Where("source_id IN ?", scope.sources)
	default:
		if len(subjects) == 0 {
			return map[uint]*Finding{}, nil
		}
		out := map[uint]*Finding{}
		for start := 0; start < len(subjects); start += 1000 {
			found, err := scanFindings(ev.tx.Where("kind = ? AND subject_id IN ?", kind, subjects[start:min(start+1000, len(subjects))]))
			if err != nil {
				return nil, err
			}
			for i := range found {
				out[found[i].SubjectID] = &found[i]
			}
		}
		return out, nil
	}
	found, err := scanFindings(q)
	if err != nil {
		return nil, err
	}
	out := make(map[uint]*Finding, len(found))
	for i := range found {
		out[found[i].SubjectID] = &found[i]
	}
	return out, nil
}

// scanFindings reads the findings q selects, scanning the columns by hand:
// GORM's reflection took half of a full evaluation's time with 87,000
// findings.
func scanFindings(q *gorm.DB) ([]Finding, error) {
	rows, err := q.Model(&Finding{}).Select(`id, "` + strings.Join(findingColumns, `", "`) + `"`).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Finding
	for rows.Next() {
		var f Finding
		if err := rows.Scan(&f.ID, &f.Kind, &f.SubjectID, &f.AssetID, &f.ProductID, &f.SourceID, &f.DomainID, &f.Title,
			&f.Unowned, &f.Unread, &f.UsageKnown, &f.SizeBytes, &f.Since, &f.Status, &f.OpenedAt, &f.ClosedAt, &f.CloseReason,
			&f.Note, &f.Until, &f.DecidedBy, &f.UpdatedAt, &f.Detail); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// darkData judges the scope's assets: stored data owned by no product's
// port, or read by nobody for the domain's unread days.
func (ev *evaluation) darkData(scope findingScope) error {
	if scope.products != nil && scope.ports == nil && scope.sources == nil && scope.domain == 0 {
		return nil
	}
	assets, err := ev.loadAssets(scope)
	if err != nil {
		return err
	}
	var sources []uint
	if !scope.all() {
		seen := map[uint]bool{}
		for _, a := range assets {
			if !seen[a.sourceID] {
				seen[a.sourceID] = true
				sources = append(sources, a.sourceID)
			}
		}
		if len(sources) == 0 && scope.domain == 0 && scope.sources == nil {
			return nil
		}
	}
	owners, err := ev.owners(sources)
	if err != nil {
		return err
	}
	ids := make([]uint, len(assets))
	for i, a := range assets {
		ids[i] = a.id
	}
	current, err := ev.existing(FindingDarkData, scope, ids)
	if err != nil {
		return err
	}
	for _, a := range assets {
		sourceID := a.sourceID
		assetID := a.id
		var want *Finding
		why := "the asset was dropped"
		if a.gone == nil && storesData(a.kind) {
			owner, owned := owners[portRef{a.sourceID, a.key}]
			if !owned && a.parent != "" {
				owner, owned = owners[portRef{a.sourceID, a.parent}]
			}
			from := unreadSince(a.usageKnown, a.lastRead, a.usageSince)
			unread := from != nil && !from.After(ev.cutoff(a.domainID))
			if !owned || unread {
				since := &a.firstSeen
				if unread {
					since = from
				}
				want = &Finding{Kind: FindingDarkData, SubjectID: a.id, AssetID: &assetID, SourceID: &sourceID,
					DomainID: a.domainID, Title: a.key, Unowned: !owned, Unread: unread, UsageKnown: a.usageKnown,
					SizeBytes: a.size, Since: since}
			} else {
				why = "owned by " + owner + " and read"
			}
		} else if a.gone == nil {
			why = "no longer stores data of its own"
		}
		if ev.judge(current[a.id], want, a.id, FindingDarkData, why) {
			if ev.titles == nil {
				ev.titles = map[uint]string{}
			}
			ev.titles[a.id] = a.key
		}
		delete(current, a.id)
	}
	return nil
}

// productFindings judges the scope's products: stale against their SLA
// (active and deprecated ones), or unread at every port (active ones).
func (ev *evaluation) productFindings(scope findingScope) error {
	q := ev.tx.Table("products").Select("id, domain_id, name, status, freshness_sla_minutes, health")
	switch {
	case scope.all():
	case scope.domain != 0:
		q = q.Where("domain_id = ?", scope.domain)
	case scope.products != nil:
		q = q.Where("id IN ?", scope.products)
	case scope.sources != nil:
		q = q.Where("id IN (?)", ev.tx.Table("output_ports").Select("product_id").Where("source_id IN ?", scope.sources))
	default:
		return nil
	}
	rows, err := q.Rows()
	if err != nil {
		return err
	}
	var products []Product
	for rows.Next() {
		var p Product
		var health string
		if err := rows.Scan(&p.ID, &p.DomainID, &p.Name, &p.Status, &p.FreshnessSLA, &health); err != nil {
			rows.Close()
			return err
		}
		if health != "" && health != "{}" {
			_ = json.Unmarshal([]byte(health), &p.Health)
		}
		products = append(products, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	ids := make([]uint, len(products))
	for i := range products {
		ids[i] = products[i].ID
	}
	productScope := scope
	productScope.sources = nil // product findings carry no source
	if scope.sources != nil {
		productScope.products = ids
	}
	stale, err := ev.existing(FindingStaleProduct, productScope, ids)
	if err != nil {
		return err
	}
	unused, err := ev.existing(FindingUnusedProduct, productScope, ids)
	if err != nil {
		return err
	}
	for i := range products {
		p := &products[i]
		productID := p.ID
		base := Finding{SubjectID: p.ID, ProductID: &productID, DomainID: p.DomainID, Title: p.Name,
			SizeBytes: p.Health.SizeBytes, UsageKnown: p.Health.ReadsPerDay != nil}

		var wantStale *Finding
		whyFresh := "fresh again"
		switch {
		case p.Status == StatusRetired || p.Status == StatusDraft:
			whyFresh = "the product is " + p.Status
		case p.FreshnessAt(ev.now) == Stale:
			f := base
			f.Kind, f.Since = FindingStaleProduct, timePtr(p.StaleAt())
			wantStale = &f
		case p.FreshnessSLA == 0:
			whyFresh = "the product has no freshness SLA"
		}
		ev.judge(stale[p.ID], wantStale, p.ID, FindingStaleProduct, whyFresh)

		var wantUnused *Finding
		whyUsed := "read again"
		if p.Status != StatusActive {
			whyUsed = "the product is " + p.Status
		} else if isUnused, since := p.UnusedAt(ev.now, ev.unreadDaysOf(p.DomainID)); isUnused {
			f := base
			f.Kind, f.Since = FindingUnusedProduct, since
			wantUnused = &f
		}
		ev.judge(unused[p.ID], wantUnused, p.ID, FindingUnusedProduct, whyUsed)
	}
	return nil
}

func (ev *evaluation) unreadDaysOf(domainID uint) int {
	if d := ev.unreadDays[domainID]; d > 0 {
		return d
	}
	return ev.rules.UnreadDays
}

// judge moves one finding from its stored state (cur, nil when none) to
// what the condition calls for (want, nil when it does not hold). why says
// what cleared the condition, for the history.
func (ev *evaluation) judge(cur, want *Finding, subject uint, kind, why string) bool {
	switch {
	case cur == nil && want == nil:
		return false
	case cur == nil:
		want.Status, want.OpenedAt, want.UpdatedAt = FindingOpen, ev.now, ev.now
		ev.upserts = append(ev.upserts, *want)
		ev.events = append(ev.events, pendingEvent{kind: kind, subject: subject, event: EventOpened, note: want.Reasons()})
		return true
	}
	next := *cur
	if want != nil {
		next.AssetID, next.ProductID, next.SourceID, next.DomainID = want.AssetID, want.ProductID, want.SourceID, want.DomainID
		next.Title, next.Unowned, next.Unread, next.UsageKnown = want.Title, want.Unowned, want.Unread, want.UsageKnown
		next.SizeBytes, next.Since, next.Detail = want.SizeBytes, want.Since, want.Detail
	}
	expired := (cur.Status == FindingKept || cur.Status == FindingIgnored) && !cur.Decided(ev.now)
	var event, note string
	switch {
	case cur.Status == FindingClosed && want == nil:
		return false
	case cur.Status == FindingClosed:
		next.Status, next.OpenedAt, next.ClosedAt, next.CloseReason = FindingOpen, ev.now, nil, ""
		next.Note, next.Until, next.DecidedBy = "", nil, ""
		event, note = EventReopened, next.Reasons()
	case want == nil:
		next.Status, next.ClosedAt, next.CloseReason = FindingClosed, timePtr(ev.now), why
		event, note = EventClosed, why
		if expired {
			event, note = EventExpired, "the "+cur.Status+" decision expired; closed: "+why
		}
	case expired:
		next.Status, next.OpenedAt, next.Note, next.Until, next.DecidedBy = FindingOpen, ev.now, "", nil, ""
		event, note = EventExpired, "the "+cur.Status+" decision expired; open again: "+next.Reasons()
	case cur.Status == FindingOpen && cur.Reasons() != next.Reasons():
		event, note = EventChanged, next.Reasons()
	}
	if event == "" && sameFigures(cur, &next) {
		return false
	}
	next.UpdatedAt = ev.now
	ev.upserts = append(ev.upserts, next)
	if event == "" {
		return false
	}
	ev.events = append(ev.events, pendingEvent{kind: kind, subject: subject, event: event, note: truncate(note, 500)})
	return true
}

func sameFigures(a, b *Finding) bool {
	return a.Title == b.Title && a.DomainID == b.DomainID && uintPtrEqual(a.SourceID, b.SourceID) &&
		a.Unowned == b.Unowned && a.Unread == b.Unread && a.UsageKnown == b.UsageKnown &&
		int64PtrEqual(a.SizeBytes, b.SizeBytes) && timeEqual(a.Since, b.Since) && a.Detail == b.Detail
}

func uintPtrEqual(a, b *uint) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func int64PtrEqual(a, b *int64) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

// findingColumns are written by an evaluation (all but id).
var findingColumns = []string{"kind", "subject_id", "asset_id", "product_id", "source_id", "domain_id", "title",
	"unowned", "unread", "usage_known", "size_bytes", "since", "status", "opened_at", "closed_at", "close_reason",
	"note", "until", "decided_by", "updated_at", "detail"}

// write upserts the changed findings and appends their events.
func (ev *evaluation) write() error {
	if len(ev.upserts) == 0 {
		return nil
	}
	ctx := ev.tx.Statement.Context
	rows := make([][]any, len(ev.upserts))
	for i, f := range ev.upserts {
		rows[i] = []any{f.Kind, f.SubjectID, f.AssetID, f.ProductID, f.SourceID, f.DomainID, f.Title,
			f.Unowned, f.Unread, f.UsageKnown, f.SizeBytes, f.Since, f.Status, f.OpenedAt, f.ClosedAt, f.CloseReason,
			f.Note, f.Until, f.DecidedBy, f.UpdatedAt, f.Detail}
	}
	// The upsert returns the findings' ids, which their events need: a
	// query for them afterwards, 1,000 subjects at a time, took most of a
	// minute for 87,000 new findings on PostgreSQL, whose planner still
	// saw the table as empty and scanned it for each.
	w := newBulkWriter(ev.tx, "findings", findingColumns,
		"ON CONFLICT (kind, subject_id) DO UPDATE SET "+excludedUpdates(findingColumns)+" RETURNING id, kind, subject_id")
	query := w.query()
	ids := make(map[subjectKey]uint, len(rows))
	for start := 0; start < len(rows); start += bulkBatch {
		payload, err := w.payload(rows[start:min(start+bulkBatch, len(rows))])
		if err != nil {
			return err
		}
		if err := scanFindingIDs(ev.tx.WithContext(ctx).Raw(query, payload), ids); err != nil {
			return fmt.Errorf("bulk insert into findings: %w", err)
		}
	}
	if len(ev.events) == 0 {
		return nil
	}
	events := make([][]any, 0, len(ev.events))
	for i := range ev.events {
		e := &ev.events[i]
		e.finding = ids[subjectKey{e.kind, e.subject}]
		events = append(events, []any{e.finding, ev.now, e.event, ev.actor, e.note})
	}
	return newBulkWriter(ev.tx, "finding_events", []string{"finding_id", "at", "event", "actor", "note"}, "").write(ctx, ev.tx, events)
}

// scanFindingIDs runs an upsert returning id, kind and subject_id, and
// records the ids by subject.
func scanFindingIDs(q *gorm.DB, ids map[subjectKey]uint) error {
	rows, err := q.Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id uint
		var key subjectKey
		if err := rows.Scan(&id, &key.kind, &key.id); err != nil {
			return err
		}
		ids[key] = id
	}
	return rows.Err()
}

// reevaluate judges the findings a catalog write affects, inside its
// transaction (which holds the findings lock, see writeCatalog), and
// records in the audit log the dark data a person's write claimed.
func (s *Store) reevaluate(tx *gorm.DB, p Principal, scope findingScope) error {
	ev, err := evaluateAs(tx, scope, s.now(), s.findingRules, p.Label())
	if err != nil {
		return err
	}
	for _, e := range ev.events {
		if e.kind == FindingDarkData && e.event == EventClosed {
			err := s.audit(tx, p, "claimed", "finding", e.finding, e.kind+": "+truncate(ev.titles[e.subject], 150),
				map[string]string{"status": FindingOpen}, map[string]string{"status": FindingClosed, "reason": e.note})
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// writeFindings runs fn in a transaction holding the findings lock (taken
// first, see lockFindings), for writes that re-evaluate findings, and
// makes this process's next findings read check the version.
func (s *Store) writeFindings(ctx context.Context, fn func(tx *gorm.DB) error) error {
	err := s.inFindingsLock(ctx, fn)
	if err == nil {
		s.findings.wrote()
	}
	return err
}

// inFindingsLock runs fn in a transaction that takes the findings lock
// first.
func (s *Store) inFindingsLock(ctx context.Context, fn func(tx *gorm.DB) error) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lockFindings(tx); err != nil {
			return err
		}
		return fn(tx)
	})
}

// touchFindings makes every replica reload its findings snapshot, for
// writes that change what findings show without changing a finding (a
// renamed product, source or domain) or that delete findings.
func touchFindings(tx *gorm.DB) error { return bumpVersion(tx, findingsVersionRow) }

// findingScopeOfPorts is the evaluation a product write needs: the assets
// at its ports before and after, and the product itself.
func findingScopeOfPorts(productID uint, portSets ...[]OutputPort) findingScope {
	scope := findingScope{products: []uint{productID}}
	seen := map[portRef]bool{}
	for _, ports := range portSets {
		for _, p := range ports {
			if p.SourceID == nil {
				continue
			}
			ref := portRef{*p.SourceID, strings.TrimSpace(p.Location)}
			if !seen[ref] {
				seen[ref] = true
				scope.ports = append(scope.ports, ref)
			}
		}
	}
	return scope
}
