package models

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Recipient is a person who owns something: a user known from sign-in
// (with their groups) or an email named as an owner.
type Recipient struct {
	Email  string
	Name   string
	Groups []string
}

// Report is what one person owns and what to do about it, at one moment.
type Report struct {
	Recipient Recipient
	Now       time.Time
	// Since is when the person's previous report was sent (nil: never);
	// the changes below are since then (or the last 7 days).
	Since    *time.Time
	Domains  []ReportDomain
	Products []ReportProduct // owned directly or through a domain, stale first
	// Dark is the largest open dark data in the owned domains (at most
	// 10), and DarkTotals all of it.
	Dark       []FindingView
	DarkTotals FindingSum
	NewStale   []FindingView
	NewDark    []FindingView
	Resolved   []FindingView
	// Contracts are the open contract drift and quality findings of the
	// owned products.
	Contracts  []FindingView
	Currency   string
	UnreadDays int
	// Failing are the policies failing or erroring for the owned products,
	// the newest failures first.
	Failing []ReportFailure
	// ExpiringWaivers end within ReportWaiverDays, the soonest first;
	// EndedWaivers ended since the previous report.
	ExpiringWaivers []ReportWaiver
	EndedWaivers    []ReportWaiver
	// Proposals await the vote of a domain the person represents.
	Proposals []ReportProposal
}

// ReportDomain is an owned domain with its open findings' totals.
type ReportDomain struct {
	Domain Domain
	Totals FindingTotals
}

// ReportProduct is an owned product with its health.
type ReportProduct struct {
	Product   Product
	Freshness string
	Unused    bool
	Domain    string // its domain's slug
}

// HasNews reports whether the report has anything to say: something to act
// on or something that changed.
func (r *Report) HasNews() bool {
	return r.StaleCount() > 0 || r.DarkTotals.Findings > 0 || r.UnusedCount() > 0 ||
		len(r.NewStale)+len(r.NewDark)+len(r.Resolved) > 0 || len(r.Contracts) > 0 || r.PolicyNews()
}

// Owns reports whether the report covers anything at all: something owned,
// or a proposal awaiting the person's vote as a domain's representative.
func (r *Report) Owns() bool {
	return len(r.Domains) > 0 || len(r.Products) > 0 || len(r.Proposals) > 0
}

// StaleCount counts the owned products past their SLA.
func (r *Report) StaleCount() int {
	n := 0
	for _, p := range r.Products {
		if p.Freshness == Stale {
			n++
		}
	}
	return n
}

// UnusedCount counts the owned products nobody reads.
func (r *Report) UnusedCount() int {
	n := 0
	for _, p := range r.Products {
		if p.Unused {
			n++
		}
	}
	return n
}

// reportIndex is what building many reports shares: the catalog, the
// findings and the previous reports, indexed once.
type reportIndex struct {
	cat        *catalogSnapshot
	findings   *findingsSnapshot
	policies   *policyIndex
	byDomain   map[uint][]*Product
	darkByDom  map[uint][]*FindingView // open dark data, largest first
	lastSent   map[string]time.Time
	rules      FindingRules
	now        time.Time
	defaultAgo time.Duration
}

func (s *Store) reportIndex(ctx context.Context) (*reportIndex, error) {
	cat, err := s.catalog(ctx)
	if err != nil {
		return nil, err
	}
	findings, err := s.findingsSnap(ctx)
	if err != nil {
		return nil, err
	}
	ix := &reportIndex{cat: cat, findings: findings, byDomain: map[uint][]*Product{}, darkByDom: map[uint][]*FindingView{},
		rules: s.findingRules, now: s.now(), defaultAgo: 7 * 24 * time.Hour}
	for i := range cat.products {
		p := &cat.products[i]
		ix.byDomain[p.DomainID] = append(ix.byDomain[p.DomainID], p)
	}
	for i := range findings.all { // largest first already
		if v := &findings.all[i]; v.Dark() {
			ix.darkByDom[v.DomainID] = append(ix.darkByDom[v.DomainID], v)
		}
	}
	var sent []struct {
		Recipient string
		Last      time.Time
	}
	// The newest sent row per recipient, selected as a row (SQLite would
	// give max() of a time column back as text).
	if err := s.db.WithContext(ctx).Raw(`SELECT o.recipient, o.sent_at AS last FROM outbox_messages o
		WHERE o.status = ? AND o.sent_at = (SELECT max(i.sent_at) FROM outbox_messages i WHERE i.recipient = o.recipient AND i.status = ?)`,
		OutboxSent, OutboxSent).Scan(&sent).Error; err != nil {
		return nil, internal("last reports", err)
	}
	if ix.policies, err = s.loadPolicyIndex(ctx, ix.now); err != nil {
		return nil, err
	}
	ix.lastSent = make(map[string]time.Time, len(sent))
	for _, r := range sent {
		ix.lastSent[r.Recipient] = r.Last
	}
	return ix, nil
}

// build assembles one person's report.
func (ix *reportIndex) build(r Recipient) *Report {
	rep := &Report{Recipient: r, Now: ix.now, Currency: ix.rules.Currency, UnreadDays: ix.rules.UnreadDays}
	if last, ok := ix.lastSent[strings.ToLower(r.Email)]; ok {
		rep.Since = &last
	}
	since := ix.now.Add(-ix.defaultAgo)
	if rep.Since != nil {
		since = *rep.Since
	}
	who := Principal{Email: r.Email, EmailVerified: true, Groups: r.Groups}
	owned := map[uint]bool{}
	for i := range ix.cat.domains {
		d := &ix.cat.domains[i]
		if d.Status == DomainActive && who.Owns(d) {
			owned[d.ID] = true
			rep.Domains = append(rep.Domains, ReportDomain{Domain: *d, Totals: ix.totals(d.ID)})
		}
	}
	seen := map[uint]bool{}
	for i := range ix.cat.products {
		p := &ix.cat.products[i]
		if p.Status == StatusRetired || !(owned[p.DomainID] || who.listedIn([]string{p.Owner})) || seen[p.ID] {
			continue
		}
		seen[p.ID] = true
		unused := false
		if f := ix.findings.bySubject[subjectKey{FindingUnusedProduct, p.ID}]; f != nil && f.Status == FindingOpen {
			unused = true
		}
		slug := ""
		if d := ix.cat.byID[p.DomainID]; d != nil {
			slug = d.Slug
		}
		rep.Products = append(rep.Products, ReportProduct{Product: *p, Freshness: p.FreshnessAt(ix.now), Unused: unused, Domain: slug})
	}
	sort.SliceStable(rep.Products, func(i, j int) bool {
		a, b := rep.Products[i], rep.Products[j]
		if (a.Freshness == Stale) != (b.Freshness == Stale) {
			return a.Freshness == Stale
		}
		return a.Product.Name < b.Product.Name
	})
	for id := range owned {
		for _, v := range ix.darkByDom[id] {
			rep.DarkTotals.add(v)
			rep.Dark = append(rep.Dark, *v)
		}
	}
	sort.SliceStable(rep.Dark, func(i, j int) bool { return bySizeThenID(&rep.Dark[i], &rep.Dark[j]) })
	if len(rep.Dark) > 10 {
		rep.Dark = rep.Dark[:10]
	}
	ix.addPolicies(rep, who, seen, since)
	// Changes since the last report, in what the person owns.
	for i := range ix.findings.all {
		v := &ix.findings.all[i]
		mine := owned[v.DomainID] || v.ProductID != nil && seen[*v.ProductID]
		if !mine {
			continue
		}
		switch {
		case v.Status == FindingOpen && v.OpenedAt.After(since) && v.Kind == FindingStaleProduct:
			rep.NewStale = append(rep.NewStale, *v)
		case v.Status == FindingOpen && v.OpenedAt.After(since) && v.Kind == FindingDarkData && v.UsageKnown:
			rep.NewDark = append(rep.NewDark, *v)
		case v.Status == FindingClosed && v.ClosedAt != nil && v.ClosedAt.After(since):
			rep.Resolved = append(rep.Resolved, *v)
		}
		if v.Status == FindingOpen && (v.Kind == FindingContractDrift || v.Kind == FindingQuality) && v.ProductID != nil && seen[*v.ProductID] {
			rep.Contracts = append(rep.Contracts, *v)
		}
	}
	return rep
}

func (ix *reportIndex) totals(domainID uint) FindingTotals {
	if t := ix.findings.totals[domainID]; t != nil {
		return *t
	}
	return FindingTotals{}
}

// ReportRecipients lists everyone who gets reports: users known from
// sign-in with a verified email (with their groups), and every email named
// as an owner or a representative of an active domain or as the owner of a
// product.
func (s *Store) ReportRecipients(ctx context.Context) ([]Recipient, error) {
	var users []User
	if err := s.db.WithContext(ctx).Where("email_verified AND email <> ''").Order("last_login_at").Find(&users).Error; err != nil {
		return nil, internal("users", err)
	}
	byEmail := map[string]*Recipient{}
	var order []string
	add := func(email, name string, groups []string) {
		key := strings.ToLower(strings.TrimSpace(email))
		if key == "" || !strings.Contains(key, "@") {
			return
		}
		if r := byEmail[key]; r != nil {
			if groups != nil { // the newest sign-in's groups win (users are ordered by it)
				r.Groups, r.Name = groups, name
			}
			return
		}
		byEmail[key] = &Recipient{Email: key, Name: name, Groups: groups}
		order = append(order, key)
	}
	for _, u := range users {
		add(u.Email, u.Name, append([]string{}, u.Groups...))
	}
	cat, err := s.catalog(ctx)
	if err != nil {
		return nil, err
	}
	for _, d := range cat.domains {
		if d.Status != DomainActive {
			continue
		}
		for _, o := range d.Owners {
			add(o, "", nil)
		}
		for _, o := range d.Representatives { // they vote on global policies
			add(o, "", nil)
		}
	}
	for _, p := range cat.products {
		if p.Status != StatusRetired {
			add(p.Owner, "", nil)
		}
	}
	sort.Strings(order)
	out := make([]Recipient, len(order))
	for i, key := range order {
		out[i] = *byEmail[key]
	}
	return out, nil
}

// BuildReports assembles the reports of the given people.
func (s *Store) BuildReports(ctx context.Context, people []Recipient) ([]*Report, error) {
	ix, err := s.reportIndex(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]*Report, len(people))
	for i, r := range people {
		out[i] = ix.build(r)
	}
	return out, nil
}

// ReportFor assembles the report of one person by email: a known user with
// their groups, or an owner named by email.
func (s *Store) ReportFor(ctx context.Context, email string) (*Report, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	people, err := s.ReportRecipients(ctx)
	if err != nil {
		return nil, err
	}
	for _, r := range people {
		if r.Email == email {
			reps, err := s.BuildReports(ctx, []Recipient{r})
			if err != nil {
				return nil, err
			}
			return reps[0], nil
		}
	}
	return nil, Errorf(ENOTFOUND, "Nobody with the email %q signed in or owns anything.", truncate(email, 254))
}

// ReportPeriod names the period a report of frequency belongs to at now in
// loc: the ISO week ("2026-W48") or the day ("2026-11-24").
func ReportPeriod(frequency string, now time.Time, loc *time.Location) string {
	t := now.In(loc)
	if frequency == ReportDaily {
		return t.Format(time.DateOnly)
	}
	year, week := t.ISOWeek()
	return fmt.Sprintf("%d-W%02d", year, week)
}

// DueRecipients are the people whose chosen frequency is due: weekly
// reports on the weekly run, daily ones on the daily run.
func (s *Store) DueRecipients(ctx context.Context, frequency string) ([]Recipient, map[string]ReportPreference, error) {
	people, err := s.ReportRecipients(ctx)
	if err != nil {
		return nil, nil, err
	}
	prefs, err := s.reportPreferences(ctx)
	if err != nil {
		return nil, nil, err
	}
	var due []Recipient
	for _, r := range people {
		pref, ok := prefs[r.Email]
		if !ok {
			pref = ReportPreference{Email: r.Email, Frequency: ReportWeekly}
			prefs[r.Email] = pref
		}
		if pref.Frequency == frequency {
			due = append(due, r)
		}
	}
	return due, prefs, nil
}
