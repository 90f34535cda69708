package models

import (
	"context"
	"errors"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"gorm.io/gorm"
)

// The findings page and the dashboards read an in-memory snapshot of all
// findings (a versioned cache on catalog_versions row 2): filtering and
// totalling 100,000 findings in memory takes about a millisecond, the same
// in SQL tens of milliseconds per page view.

// FindingView is a finding with what pages show beside it.
type FindingView struct {
	Finding
	SourceSlug, SourceName, SourceKind string
	DomainSlug, DomainName             string
	ProductSlug                        string
	// CostPerMonth estimates what the data costs to keep, by the source
	// kind's price (products are priced at the default).
	CostPerMonth float64
}

// Dark reports whether the finding counts as dark data in totals: an open
// dark-data finding whose usage is known (unknown usage is listed apart).
func (f *FindingView) Dark() bool {
	return f.Kind == FindingDarkData && f.Status == FindingOpen && f.UsageKnown
}

type findingsSnapshot struct {
	all       []FindingView // largest first, then by id
	byID      map[uint]*FindingView
	bySubject map[subjectKey]*FindingView
	// open totals per domain (0: the whole portal)
	totals map[uint]*FindingTotals
	// sources are every source for the page's filter, by name (every
	// source write touches the findings version).
	sources []SourceName

	// orders holds, per sort, each group's findings in the order the list
	// shows them, built on first use; a page is then the first matches
	// along one of them.
	orders [len(findingSortList)]struct {
		once    sync.Once
		byGroup [len(findingGroupList)][]*FindingView
	}
	// sums remembers the totals of recent filters, computed with the
	// catalog snapshot sumsCat (whose domain names they carry).
	sumsMu  sync.Mutex
	sumsCat *catalogSnapshot
	sums    map[findingListKey]*findingListSums
}

// FindingTotals sums open findings.
type FindingTotals struct {
	DarkAssets     int
	DarkBytes      int64
	DarkCost       float64
	UnknownAssets  int
	UnknownBytes   int64
	StaleProducts  int
	UnusedProducts int
	// ContractFindings counts contract drift and failed quality checks.
	ContractFindings int
}

func (s *Store) findingsSnap(ctx context.Context) (*findingsSnapshot, error) {
	return s.findings.get(ctx, s.versionReader(findingsVersionRow), s.loadFindings)
}

func (s *Store) loadFindings(ctx context.Context) (*findingsSnapshot, int64, error) {
	var version int64
	if err := s.sqlDB.QueryRowContext(ctx, "SELECT version FROM catalog_versions WHERE id = 2").Scan(&version); err != nil {
		return nil, 0, internal("findings version", err)
	}
	sources, err := s.loadSourceNames(ctx)
	if err != nil {
		return nil, 0, err
	}
	rows, err := s.sqlDB.QueryContext(ctx, `SELECT f.id, f.kind, f.subject_id, f.asset_id, f.product_id, f.source_id, f.domain_id,
		f.title, f.unowned, f.unread, f.usage_known, f.size_bytes, f.since, f.status, f.opened_at, f.closed_at, f.close_reason,
		f.note, f.until, f.decided_by, f.updated_at, f.detail,
		coalesce(s.slug, ''), coalesce(s.name, ''), coalesce(s.kind, ''), coalesce(p.slug, ''), d.slug, d.name
		FROM findings f JOIN domains d ON d.id = f.domain_id
		LEFT JOIN sources s ON s.id = f.source_id LEFT JOIN products p ON p.id = f.product_id`)
	if err != nil {
		return nil, 0, internal("load findings", err)
	}
	defer rows.Close()
	snap := &findingsSnapshot{totals: map[uint]*FindingTotals{0: {}}, sources: sources}
	for rows.Next() {
		var v FindingView
		f := &v.Finding
		if err := rows.Scan(&f.ID, &f.Kind, &f.SubjectID, &f.AssetID, &f.ProductID, &f.SourceID, &f.DomainID,
			&f.Title, &f.Unowned, &f.Unread, &f.UsageKnown, &f.SizeBytes, &f.Since, &f.Status, &f.OpenedAt, &f.ClosedAt, &f.CloseReason,
			&f.Note, &f.Until, &f.DecidedBy, &f.UpdatedAt, &f.Detail, &v.SourceSlug, &v.SourceName, &v.SourceKind, &v.ProductSlug, &v.DomainSlug, &v.DomainName); err != nil {
			return nil, 0, internal("load findings", err)
		}
		v.CostPerMonth = s.findingRules.MonthlyCost(v.SourceKind, v.SizeBytes)
		snap.all = append(snap.all, v)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, internal("load findings", err)
	}
	sort.Slice(snap.all, func(i, j int) bool { return bySizeThenID(&snap.all[i], &snap.all[j]) })
	snap.byID = make(map[uint]*FindingView, len(snap.all))
	snap.bySubject = make(map[subjectKey]*FindingView, len(snap.all))
	for i := range snap.all {
		v := &snap.all[i]
		snap.byID[v.ID] = v
		snap.bySubject[subjectKey{v.Kind, v.SubjectID}] = v
		if v.Status != FindingOpen {
			continue
		}
		for _, domain := range []uint{0, v.DomainID} {
			t := snap.totals[domain]
			if t == nil {
				t = &FindingTotals{}
				snap.totals[domain] = t
			}
			t.add(v)
		}
	}
	return snap, version, nil
}

func (t *FindingTotals) add(v *FindingView) {
	size := int64(0)
	if v.SizeBytes != nil {
		size = *v.SizeBytes
	}
	switch {
	case v.Kind == FindingStaleProduct:
		t.StaleProducts++
	case v.Kind == FindingUnusedProduct:
		t.UnusedProducts++
	case v.Kind == FindingContractDrift, v.Kind == FindingQuality:
		t.ContractFindings++
	case v.UsageKnown:
		t.DarkAssets++
		t.DarkBytes += size
		t.DarkCost += v.CostPerMonth
	default:
		t.UnknownAssets++
		t.UnknownBytes += size
	}
}

func bySizeThenID(a, b *FindingView) bool {
	as, bs := int64(-1), int64(-1)
	if a.SizeBytes != nil {
		as = *a.SizeBytes
	}
	if b.SizeBytes != nil {
		bs = *b.SizeBytes
	}
	if as != bs {
		return as > bs
	}
	return a.ID < b.ID
}

// SourceName is a source as a filter lists it.
type SourceName struct {
	ID         uint
	Slug, Name string
}

func (s *Store) loadSourceNames(ctx context.Context) ([]SourceName, error) {
	rows, err := s.sqlDB.QueryContext(ctx, "SELECT id, slug, name FROM sources")
	if err != nil {
		return nil, internal("load source names", err)
	}
	defer rows.Close()
	var out []SourceName
	for rows.Next() {
		var n SourceName
		if err := rows.Scan(&n.ID, &n.Slug, &n.Name); err != nil {
			return nil, internal("load source names", err)
		}
		out = append(out, n)
	}
	// Go's byte order, so SQLite and PostgreSQL (whose collations differ) list alike.
	slices.SortFunc(out, func(a, b SourceName) int {
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		return int(a.ID) - int(b.ID)
	})
	return out, internal("load source names", rows.Err())
}

// FindingSources returns every source by name, for the findings filter,
// shared and not to be changed, from the findings snapshot: the page is opened far more often than
// sources change, and a query per view was half its time.
func (s *Store) FindingSources(ctx context.Context) ([]SourceName, error) {
	snap, err := s.findingsSnap(ctx)
	if err != nil {
		return nil, err
	}
	return snap.sources, nil
}

// FindingTotalsOf returns the open findings' totals of a domain (by id; 0
// for the whole portal).
func (s *Store) FindingTotalsOf(ctx context.Context, domainID uint) (FindingTotals, error) {
	snap, err := s.findingsSnap(ctx)
	if err != nil {
		return FindingTotals{}, err
	}
	if t := snap.totals[domainID]; t != nil {
		return *t, nil
	}
	return FindingTotals{}, nil
}

// Finding list groups, as the page's tabs and the API's "group".
const (
	GroupDarkData     = "dark-data"
	GroupUsageUnknown = "usage-unknown"
	GroupStale        = "stale"
	GroupUnused       = "unused"
	GroupContracts    = "contracts"
)

// FindingGroups lists the groups in tab order.
func FindingGroups() []string { return slices.Clone(findingGroupList[:]) }

var findingGroupList = [...]string{GroupDarkData, GroupUsageUnknown, GroupStale, GroupUnused, GroupContracts}

// Reasons a dark-data filter can ask for.
const (
	ReasonUnowned = "unowned"
	ReasonUnread  = "unread"
	ReasonBoth    = "both"
)

// FindingSizes are the minimum sizes the filter offers, by label.
var findingSizes = map[string]int64{"1MB": 1e6, "100MB": 1e8, "1GB": 1e9, "10GB": 1e10, "100GB": 1e11}

// FindingSizeOptions lists the size filter's choices, smallest first.
func FindingSizeOptions() []string { return []string{"1MB", "100MB", "1GB", "10GB", "100GB"} }

// FindingSorts lists the orders the list offers.
func FindingSorts() []string { return slices.Clone(findingSortList[:]) }

var findingSortList = [...]string{"size", "cost", "age", "name"}

// FindingFilter selects findings for the page and the API.
type FindingFilter struct {
	Group   string `query:"group"`
	Domain  string `query:"domain"`
	Source  string `query:"source"`
	Reason  string `query:"reason"`
	MinSize string `query:"size"`
	Status  string `query:"status"`
	Sort    string `query:"sort"`
	Page    int    `query:"page"`
	PerPage int    `query:"per_page"`
}

// Normalize trims the filter and fills defaults.
func (f *FindingFilter) Normalize() {
	f.Group = strings.ToLower(strings.TrimSpace(f.Group))
	if f.Group == "" {
		f.Group = GroupDarkData
	}
	f.Domain = strings.ToLower(strings.TrimSpace(f.Domain))
	f.Source = strings.ToLower(strings.TrimSpace(f.Source))
	f.Reason = strings.ToLower(strings.TrimSpace(f.Reason))
	f.MinSize = strings.ToUpper(strings.TrimSpace(f.MinSize))
	f.Status = strings.ToLower(strings.TrimSpace(f.Status))
	if f.Status == "" {
		f.Status = FindingOpen
	}
	f.Sort = strings.ToLower(strings.TrimSpace(f.Sort))
	if f.Sort == "" {
		f.Sort = "size"
	}
	if f.Page < 1 {
		f.Page = 1
	}
	if f.PerPage == 0 {
		f.PerPage = 50
	}
}

// Validate reports unknown filter values field by field.
func (f *FindingFilter) Validate() FieldErrors {
	errs := FieldErrors{}
	if !contains(FindingGroups(), f.Group) {
		errs.Add("group", "Choose one of: "+strings.Join(FindingGroups(), ", ")+".")
	}
	if f.Reason != "" && f.Reason != ReasonUnowned && f.Reason != ReasonUnread && f.Reason != ReasonBoth {
		errs.Add("reason", "Choose unowned, unread or both.")
	}
	if _, ok := findingSizes[f.MinSize]; f.MinSize != "" && !ok {
		errs.Add("size", "Choose a minimum size of "+strings.Join(FindingSizeOptions(), ", ")+".")
	}
	if f.Status != "all" && !contains(FindingStatuses(), f.Status) {
		errs.Add("status", "Choose one of: "+strings.Join(FindingStatuses(), ", ")+", all.")
	}
	if !contains(FindingSorts(), f.Sort) {
		errs.Add("sort", "Sort by one of: "+strings.Join(FindingSorts(), ", ")+".")
	}
	if f.PerPage < 1 || f.PerPage > 500 {
		errs.Add("per_page", "Show between 1 and 500 findings per page.")
	}
	if f.Page > 100000 {
		errs.Add("page", "There are not that many pages.")
	}
	return errs
}

func contains(set []string, v string) bool {
	for _, s := range set {
		if s == v {
			return true
		}
	}
	return false
}

// FindingPage is one page of findings with the totals of all that match.
type FindingPage struct {
	Findings []FindingView
	Total    int
	Page     int
	PerPage  int
	// Sum totals every match; ByDomain and BySource break it down, largest
	// first.
	Sum      FindingSum
	ByDomain []FindingSum
	BySource []FindingSum
	// Groups counts the open findings of each group under the same domain
	// and source filters, for the tabs.
	Groups map[string]int
}

// FindingSum totals a set of findings.
type FindingSum struct {
	Key, Name string // domain or source slug and name
	Findings  int
	Bytes     int64
	Cost      float64
}

// Pages is the number of pages.
func (p FindingPage) Pages() int {
	if p.PerPage == 0 {
		return 1
	}
	return max(1, (p.Total+p.PerPage-1)/p.PerPage)
}

// Group is the tab a finding is listed under (and the API's "group").
func (f *FindingView) Group() string { return findingGroupList[f.groupIndex()] }

// groupIndex is the finding's group's position in findingGroupList.
func (f *FindingView) groupIndex() int {
	switch {
	case f.Kind == FindingStaleProduct:
		return 2
	case f.Kind == FindingUnusedProduct:
		return 3
	case f.Kind == FindingContractDrift, f.Kind == FindingQuality:
		return 4
	case f.UsageKnown:
		return 0
	}
	return 1
}

// ListFindings returns one page of the findings matching f, with totals.
// The totals of a filter are remembered with the snapshot, and the page is
// the first matches along the snapshot's order for the sort, so a request
// reads a few dozen findings, not all of them.
func (s *Store) ListFindings(ctx context.Context, f FindingFilter) (FindingPage, error) {
	f.Normalize()
	if err := f.Validate().Err(); err != nil {
		return FindingPage{}, err
	}
	cat, err := s.catalog(ctx)
	if err != nil {
		return FindingPage{}, err
	}
	var domainID uint
	if f.Domain != "" {
		d, ok := cat.bySlug[f.Domain]
		if !ok {
			errs := FieldErrors{}
			errs.Add("domain", "There is no domain "+strconv.Quote(truncate(f.Domain, 63))+".")
			return FindingPage{}, errs.Err()
		}
		domainID = d.ID
	}
	snap, err := s.findingsSnap(ctx)
	if err != nil {
		return FindingPage{}, err
	}
	key := findingListKey{domain: domainID, source: f.Source, group: slices.Index(findingGroupList[:], f.Group),
		status: f.Status, reason: f.Reason, minSize: findingSizes[f.MinSize]}
	sums := snap.listSums(cat, key)
	page := FindingPage{Page: f.Page, PerPage: f.PerPage, Total: sums.total, Sum: sums.sum,
		ByDomain: slices.Clone(sums.byDomain), BySource: slices.Clone(sums.bySource), Groups: map[string]int{}}
	for g, n := range sums.groups {
		if n > 0 {
			page.Groups[findingGroupList[g]] = n
		}
	}
	start := min((f.Page-1)*f.PerPage, sums.total)
	end := min(start+f.PerPage, sums.total)
	page.Findings = make([]FindingView, 0, end-start)
	if start == end {
		return page, nil
	}
	seen := 0
	for _, v := range snap.ordered(slices.Index(findingSortList[:], f.Sort), key.group) {
		if !key.matches(v) {
			continue
		}
		if seen >= start {
			page.Findings = append(page.Findings, *v)
			if len(page.Findings) == end-start {
				break
			}
		}
		seen++
	}
	return page, nil
}

// findingListKey is a list filter as the snapshot applies it (the page and
// the sort aside).
type findingListKey struct {
	domain         uint
	source         string
	group          int // in findingGroupList
	status, reason string
	minSize        int64
}

// inScope reports whether v passes the domain and source filters, which the
// group counts also honour.
func (k *findingListKey) inScope(v *FindingView) bool {
	return (k.domain == 0 || v.DomainID == k.domain) && (k.source == "" || v.SourceSlug == k.source)
}

// matches reports whether v is listed under the filter.
func (k *findingListKey) matches(v *FindingView) bool {
	if !k.inScope(v) || v.groupIndex() != k.group || k.status != "all" && v.Status != k.status {
		return false
	}
	switch k.reason {
	case ReasonUnowned:
		if !v.Unowned {
			return false
		}
	case ReasonUnread:
		if !v.Unread {
			return false
		}
	case ReasonBoth:
		if !v.Unowned || !v.Unread {
			return false
		}
	}
	return k.minSize == 0 || v.SizeBytes != nil && *v.SizeBytes >= k.minSize
}

// findingListSums are the totals of every finding matching a filter.
type findingListSums struct {
	total              int
	sum                FindingSum
	byDomain, bySource []FindingSum
	groups             [len(findingGroupList)]int // open findings per group, in scope
}

// listSums returns the totals of the findings matching k, remembered for
// the next requests with the same filter.
func (snap *findingsSnapshot) listSums(cat *catalogSnapshot, k findingListKey) *findingListSums {
	snap.sumsMu.Lock()
	if snap.sumsCat != cat {
		snap.sumsCat, snap.sums = cat, map[findingListKey]*findingListSums{}
	}
	sums, ok := snap.sums[k]
	snap.sumsMu.Unlock()
	if ok {
		return sums
	}
	sums = &findingListSums{}
	byDomain, bySource := map[uint]*FindingSum{}, map[uint]*FindingSum{}
	for i := range snap.all {
		v := &snap.all[i]
		if !k.inScope(v) {
			continue
		}
		if v.Status == FindingOpen {
			sums.groups[v.groupIndex()]++
		}
		if !k.matches(v) {
			continue
		}
		sums.total++
		sums.sum.add(v)
		if d := cat.byID[v.DomainID]; d != nil {
			sumInto(byDomain, v.DomainID, d.Slug, d.Name, v)
		}
		if v.SourceSlug != "" {
			sumInto(bySource, derefUint(v.SourceID), v.SourceSlug, v.SourceName, v)
		}
	}
	sums.byDomain, sums.bySource = sortedSums(byDomain), sortedSums(bySource)
	snap.sumsMu.Lock()
	if snap.sumsCat == cat {
		if len(snap.sums) >= maxRememberedFilters {
			clear(snap.sums) // crude but bounded; a new snapshot starts empty anyway
		}
		snap.sums[k] = sums
	}
	snap.sumsMu.Unlock()
	return sums
}

// ordered returns a group's findings in the order of a sort (by its
// position in findingSortList): the snapshot's order (largest first, then
// by id) re-sorted stably by the sort's key, so that the matches along it
// come in the order a stable sort of just the matches would give.
func (snap *findingsSnapshot) ordered(sortBy, group int) []*FindingView {
	o := &snap.orders[sortBy]
	o.once.Do(func() {
		for i := range snap.all {
			v := &snap.all[i]
			g := v.groupIndex()
			o.byGroup[g] = append(o.byGroup[g], v)
		}
		for _, list := range o.byGroup {
			sortFindings(list, findingSortList[sortBy])
		}
	})
	return o.byGroup[group]
}

func (sum *FindingSum) add(v *FindingView) {
	sum.Findings++
	if v.SizeBytes != nil {
		sum.Bytes += *v.SizeBytes
	}
	sum.Cost += v.CostPerMonth
}

// sumInto adds v to the sum of the domain or source id (slugs and ids are
// one to one), named key and name.
func sumInto(sums map[uint]*FindingSum, id uint, key, name string, v *FindingView) {
	sum := sums[id]
	if sum == nil {
		sum = &FindingSum{Key: key, Name: name}
		sums[id] = sum
	}
	sum.add(v)
}

func sortedSums(sums map[uint]*FindingSum) []FindingSum {
	out := make([]FindingSum, 0, len(sums))
	for _, s := range sums {
		out = append(out, *s)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Bytes != out[j].Bytes {
			return out[i].Bytes > out[j].Bytes
		}
		return out[i].Key < out[j].Key
	})
	return out
}

// sortFindings orders findings (largest first already) by a sort; stable,
// so equals keep that order.
func sortFindings(matches []*FindingView, by string) {
	switch by {
	case "cost":
		sort.SliceStable(matches, func(i, j int) bool { return matches[i].CostPerMonth > matches[j].CostPerMonth })
	case "age":
		sort.SliceStable(matches, func(i, j int) bool {
			a, b := matches[i].Since, matches[j].Since
			return a != nil && (b == nil || a.Before(*b))
		})
	case "name":
		sort.SliceStable(matches, func(i, j int) bool { return matches[i].Title < matches[j].Title })
	}
}

// GetFinding returns a finding with its history, newest event first.
func (s *Store) GetFinding(ctx context.Context, id uint) (*FindingView, []FindingEvent, error) {
	snap, err := s.findingsSnap(ctx)
	if err != nil {
		return nil, nil, err
	}
	v, ok := snap.byID[id]
	if !ok {
		return nil, nil, Errorf(ENOTFOUND, "There is no finding %d.", id)
	}
	var events []FindingEvent
	if err := s.db.WithContext(ctx).Where("finding_id = ?", id).Order("at DESC, id DESC").Limit(200).Find(&events).Error; err != nil {
		return nil, nil, internal("finding history", err)
	}
	out := *v
	return &out, events, nil
}

type subjectKey struct {
	kind string
	id   uint
}

// FindingOf returns the finding of kind about an asset or product (by id),
// or nil when there never was one.
func (s *Store) FindingOf(ctx context.Context, kind string, subjectID uint) (*FindingView, error) {
	snap, err := s.findingsSnap(ctx)
	if err != nil {
		return nil, err
	}
	if v := snap.bySubject[subjectKey{kind, subjectID}]; v != nil {
		out := *v
		return &out, nil
	}
	return nil, nil
}

// FindingDecision is a person's keep or ignore decision as submitted.
type FindingDecision struct {
	Action string `json:"action" form:"action"` // keep, ignore or undo
	Note   string `json:"note" form:"note"`
	// Until is the day the decision ends (YYYY-MM-DD, UTC): the finding is
	// judged again from that day on. Required to keep; optional to ignore.
	Until string `json:"until" form:"until"`
}

// Decision actions.
const (
	ActionKeep   = "keep"
	ActionIgnore = "ignore"
	ActionUndo   = "undo"
)

// maxDecision is how far ahead a decision may reach.
const maxDecision = 5 * 366 * 24 * time.Hour

// Validate checks the decision against the finding at now, and returns
// the parsed expiry.
func (d *FindingDecision) Validate(f *Finding, now time.Time) (*time.Time, FieldErrors) {
	d.Action = strings.ToLower(strings.TrimSpace(d.Action))
	d.Note = strings.TrimSpace(d.Note)
	d.Until = strings.TrimSpace(d.Until)
	errs := FieldErrors{}
	switch d.Action {
	case ActionKeep:
		if f.Kind != FindingDarkData {
			errs.Add("action", "Only dark data can be kept as an archive; ignore this finding instead.")
		}
	case ActionIgnore:
	case ActionUndo:
		if f.Status != FindingKept && f.Status != FindingIgnored {
			errs.Add("action", "Only a kept or ignored finding can be undone.")
		}
		return nil, errs
	default:
		errs.Add("action", "Choose keep, ignore or undo.")
		return nil, errs
	}
	if f.Status == FindingClosed {
		errs.Add("action", "This finding is closed: its condition cleared, so there is nothing to decide.")
	}
	switch {
	case d.Note == "":
		errs.Add("note", "Say why, so the next person knows.")
	case len([]rune(d.Note)) > 500:
		errs.Add("note", "At most 500 characters.")
	}
	var until *time.Time
	switch {
	case d.Until == "" && d.Action == ActionKeep:
		errs.Add("until", "Say until when the archive is kept; it is reviewed again then.")
	case d.Until != "":
		day, err := time.Parse(time.DateOnly, d.Until)
		switch {
		case err != nil:
			errs.Add("until", "Give a date as YYYY-MM-DD.")
		case !day.After(now):
			errs.Add("until", "Give a date after today.")
		case day.Sub(now) > maxDecision:
			errs.Add("until", "At most five years ahead.")
		default:
			until = &day
		}
	}
	return until, errs
}

// DecideFinding keeps, ignores or undoes a decision on a finding, for the
// domain's managers, recorded in its history and the audit log.
func (s *Store) DecideFinding(ctx context.Context, p Principal, id uint, d FindingDecision) (*Finding, error) {
	var out *Finding
	err := s.writeFindings(ctx, func(tx *gorm.DB) error {
		var f Finding
		if err := tx.First(&f, id).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return Errorf(ENOTFOUND, "There is no finding %d.", id)
			}
			return err
		}
		var domain Domain
		if err := tx.First(&domain, f.DomainID).Error; err != nil {
			return err
		}
		if !p.CanManageProducts(&domain) {
			return Errorf(EFORBIDDEN, "Only admins and the owners of %s can decide on its findings.", domain.Name)
		}
		now := s.now()
		until, errs := d.Validate(&f, now)
		if err := errs.Err(); err != nil {
			return err
		}
		before := f.auditFields()
		event := EventUndone
		switch d.Action {
		case ActionKeep:
			f.Status, event = FindingKept, EventKept
		case ActionIgnore:
			f.Status, event = FindingIgnored, EventIgnored
		case ActionUndo:
			f.Status = FindingOpen
		}
		if d.Action == ActionUndo {
			f.Note, f.Until, f.DecidedBy = "", nil, ""
		} else {
			f.Note, f.Until, f.DecidedBy = d.Note, until, p.Label()
		}
		f.UpdatedAt = now
		if err := tx.Save(&f).Error; err != nil {
			return err
		}
		note := d.Note
		if until != nil {
			note += " (until " + until.Format(time.DateOnly) + ")"
		}
		if err := tx.Create(&FindingEvent{FindingID: f.ID, At: now, Event: event, Actor: p.Label(), Note: truncate(note, 500)}).Error; err != nil {
			return err
		}
		if err := s.audit(tx, p, event, "finding", f.ID, f.Kind+": "+truncate(f.Title, 150), before, f.auditFields()); err != nil {
			return err
		}
		// Undoing puts the finding back to judgement at once.
		if d.Action == ActionUndo {
			if _, err := evaluateAs(tx, f.scope(), now, s.findingRules, p.Label()); err != nil {
				return err
			}
		}
		out = &f
		return bumpVersion(tx, findingsVersionRow)
	})
	return out, internal("decide finding", err)
}

// scope is the evaluation that judges just this finding.
func (f *Finding) scope() findingScope {
	if f.ProductID != nil {
		return findingScope{products: []uint{*f.ProductID}}
	}
	return findingScope{ports: []portRef{{source: derefUint(f.SourceID), key: f.Title}}}
}

func derefUint(p *uint) uint {
	if p == nil {
		return 0
	}
	return *p
}

func (f *Finding) auditFields() map[string]string {
	until := ""
	if f.Until != nil {
		until = f.Until.Format(time.DateOnly)
	}
	return map[string]string{"status": f.Status, "note": f.Note, "until": until}
}

// ProductFindingsOf lists a product's findings of a kind whose subject is
// not the product itself (its contracts'), open or decided, not closed.
func (s *Store) ProductFindingsOf(ctx context.Context, kind string, productID uint) ([]FindingView, error) {
	snap, err := s.findingsSnap(ctx)
	if err != nil {
		return nil, err
	}
	var out []FindingView
	for i := range snap.all {
		f := &snap.all[i]
		if f.Kind == kind && f.ProductID != nil && *f.ProductID == productID && f.Status != FindingClosed {
			out = append(out, *f)
		}
	}
	return out, nil
}
