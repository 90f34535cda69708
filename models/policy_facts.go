package models

import (
	"encoding/json"
	"time"

	"github.com/meshport/meshport/models/policy"
)

// productFacts is what policies see of p: its fields, its ports with the
// assets the crawlers found there (by port position) and its health at now.
// Every evaluation, single or batch, builds its facts here.
func productFacts(p *Product, domainSlug string, assets map[int]Asset, health HealthSummary, now time.Time) *policy.Product {
	f := &policy.Product{
		Name: p.Name, Slug: p.Slug, Domain: domainSlug, Owner: p.Owner, Description: p.Description, Purpose: p.Purpose,
		Status: p.Status, Classification: p.Classification, ContainsPII: p.ContainsPII, Tags: []string(p.Tags),
		FreshnessSLA: time.Duration(p.FreshnessSLA) * time.Minute, Created: p.CreatedAt, Updated: p.UpdatedAt,
		OutputPorts: make([]policy.Port, len(p.OutputPorts)),
	}
	if f.Tags == nil {
		f.Tags = []string{}
	}
	for i, o := range p.OutputPorts {
		port := policy.Port{Name: o.Name, Type: o.Type, Location: o.Location, Columns: []policy.Column{}}
		if o.Source != nil {
			port.Source, port.SourceKind = o.Source.Slug, o.Source.Kind
		}
		if a, ok := assets[i]; ok {
			port.Crawled, port.Gone, port.UsageKnown = true, a.GoneAt != nil, a.UsageKnown
			port.SizeBytes, port.Rows = deref(a.SizeBytes), deref(a.RowEstimate)
			port.LastChange, port.LastRead = derefTime(a.LastChangeAt), derefTime(a.LastReadAt)
			if a.ReadsPerDay != nil {
				port.ReadsPerDay = *a.ReadsPerDay
			}
			var cols []Column
			if a.Columns != "" && a.Columns != "[]" {
				_ = json.Unmarshal([]byte(a.Columns), &cols) // written by the crawler; bad JSON reads as none
			}
			for _, c := range cols {
				port.Columns = append(port.Columns, policy.Column{Name: c.Name, Type: c.Type})
			}
		}
		f.OutputPorts[i] = port
	}
	h := &f.Health
	probe := Product{FreshnessSLA: p.FreshnessSLA, Health: health}
	h.Freshness = probe.FreshnessAt(now)
	if h.Freshness == Stale {
		h.StaleFor = now.Sub(probe.StaleAt())
	}
	h.LastChange, h.LastRead = derefTime(health.LastChange), derefTime(health.LastRead)
	h.SizeBytes, h.Reads30d = deref(health.SizeBytes), health.Reads30
	if health.ReadsPerDay != nil && health.Unmeasured == 0 && health.Seen > 0 {
		h.UsageKnown, h.ReadsPerDay = true, *health.ReadsPerDay
		if since := unreadSince(true, health.LastRead, health.ReadSince); since != nil && now.After(*since) {
			h.UnreadFor = now.Sub(*since)
		}
	}
	return f
}

// domainFacts is what policies see of d; totals are its open findings.
func domainFacts(d *Domain, totals *FindingTotals, rules FindingRules) *policy.Domain {
	f := &policy.Domain{Slug: d.Slug, Name: d.Name, Owners: []string(d.Owners), UnreadAfterDays: int64(rules.UnreadDaysFor(d))}
	if f.Owners == nil {
		f.Owners = []string{}
	}
	if totals != nil {
		f.DarkDataBytes, f.DarkDataCost = totals.DarkBytes, totals.DarkCost
	}
	return f
}

func deref(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

func derefTime(p *time.Time) time.Time {
	if p == nil {
		return time.Time{}
	}
	return p.UTC()
}

// UnreadDaysFor is how long d's data may go unread: its own setting or the
// portal's.
func (r FindingRules) UnreadDaysFor(d *Domain) int {
	if d.UnreadDays > 0 {
		return d.UnreadDays
	}
	return r.UnreadDays
}
