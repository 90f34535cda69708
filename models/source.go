package models

import (
	"fmt"
	"net/url"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// Source is a database or file tree behind a domain's data products, crawled
// on a schedule. Its DSN (with any password) is stored sealed; DSNHint is
// the same without secrets, for display.
type Source struct {
	ID        uint       `gorm:"primaryKey" json:"id"`
	DomainID  uint       `gorm:"not null;index:idx_sources_domain" json:"-"`
	Domain    *Domain    `gorm:"constraint:OnDelete:RESTRICT" json:"-"`
	Slug      string     `gorm:"size:63;not null;uniqueIndex:idx_sources_slug" json:"slug"`
	Name      string     `gorm:"size:100;not null" json:"name"`
	Kind      string     `gorm:"size:16;not null" json:"kind"`
	DSNSealed string     `gorm:"column:dsn_sealed;type:text;not null" json:"-"`
	DSNHint   string     `gorm:"column:dsn_hint;size:500;not null" json:"dsn_hint"`
	Include   StringList `gorm:"type:text;not null" json:"include"`
	Exclude   StringList `gorm:"type:text;not null" json:"exclude"`
	// FreshnessColumns are "schema.table=column" entries.
	FreshnessColumns StringList `gorm:"type:text;not null" json:"freshness_columns"`
	Schedule         string     `gorm:"size:100;not null" json:"schedule"`
	TimeZone         string     `gorm:"size:64;not null" json:"time_zone"`
	Enabled          bool       `gorm:"not null;default:true" json:"enabled"`
	CreatedAt        time.Time  `json:"created_at"`
	UpdatedAt        time.Time  `json:"updated_at"`
}

func sourceAAD(id uint) string { return fmt.Sprintf("source:%d", id) }

// SourceInput is what a user submits to register or change a source.
type SourceInput struct {
	Name   string `json:"name"`
	Slug   string `json:"slug"`
	Domain string `json:"domain"`
	Kind   string `json:"kind"`
	// DSN is a URL (postgres://, mysql://) or an absolute path (sqlite,
	// files). Empty on an update keeps the stored one.
	DSN string `json:"dsn"`
	// KeepPassword, on an update, puts the stored password into a DSN given
	// without one (the form never shows the password, so an empty field
	// means "unchanged"; API clients send keep_password).
	KeepPassword     bool     `json:"keep_password"`
	Include          []string `json:"include"`
	Exclude          []string `json:"exclude"`
	FreshnessColumns []string `json:"freshness_columns"`
	Schedule         string   `json:"schedule"`
	TimeZone         string   `json:"time_zone"`
	Enabled          *bool    `json:"enabled"`
}

// Normalize trims the input and fills defaults.
func (in *SourceInput) Normalize() {
	in.Name = strings.TrimSpace(in.Name)
	in.Slug = strings.ToLower(strings.TrimSpace(in.Slug))
	if in.Slug == "" {
		in.Slug = Slugify(in.Name)
	}
	in.Domain = strings.ToLower(strings.TrimSpace(in.Domain))
	in.Kind = strings.ToLower(strings.TrimSpace(in.Kind))
	in.DSN = strings.TrimSpace(in.DSN)
	in.Include, in.Exclude = cleanList(in.Include), cleanList(in.Exclude)
	in.FreshnessColumns = cleanList(in.FreshnessColumns)
	in.Schedule = strings.Join(strings.Fields(in.Schedule), " ")
	in.TimeZone = strings.TrimSpace(in.TimeZone)
	if in.TimeZone == "" {
		in.TimeZone = "UTC"
	}
	if in.Enabled == nil {
		yes := true
		in.Enabled = &yes
	}
}

// Validate checks the input's own rules; dsnRequired is false on updates,
// where an empty DSN keeps the stored one. Reachability and the network
// policy are the store's to check.
func (in *SourceInput) Validate(dsnRequired bool) FieldErrors {
	errs := FieldErrors{}
	validateName(errs, "name", in.Name)
	validateSlug(errs, "slug", in.Slug)
	if strings.Trim(in.Slug, "0123456789") == "" && in.Slug != "" {
		errs.Add("slug", "Use at least one letter: a number alone is read as a source's id.")
	}
	if in.Domain == "" {
		errs.Add("domain", "Choose the domain that owns this source.")
	}
	kind := SourceKind(in.Kind)
	if !IsSourceKind(string(kind)) {
		errs.Add("kind", "Choose PostgreSQL, MySQL/MariaDB, SQLite or files.")
	} else if in.DSN != "" || dsnRequired {
		if msg := dsnProblem(kind, in.DSN); msg != "" {
			errs.Add("dsn", msg)
		}
	}
	validatePatterns(errs, "include", in.Include)
	validatePatterns(errs, "exclude", in.Exclude)
	if len(in.FreshnessColumns) > 100 {
		errs.Add("freshness_columns", "At most 100 freshness columns.")
	}
	for _, fc := range in.FreshnessColumns {
		asset, col, ok := strings.Cut(fc, "=")
		if !ok || strings.TrimSpace(asset) == "" || strings.TrimSpace(col) == "" || len(fc) > 300 {
			errs.Add("freshness_columns", "Write each as schema.table=column, e.g. sales.orders=updated_at.")
			break
		}
	}
	loc, err := time.LoadLocation(in.TimeZone)
	if err != nil || in.TimeZone == "Local" {
		errs.Add("time_zone", "Use a time zone name such as UTC or Europe/Berlin.")
		loc = time.UTC
	}
	if _, msg := ParseSchedule(in.Schedule, loc); msg != "" {
		errs.Add("schedule", msg)
	}
	return errs
}

// IsSourceKind reports whether kind names a connector.
func IsSourceKind(kind string) bool {
	for _, known := range SourceKinds() {
		if kind == string(known) {
			return true
		}
	}
	return false
}

// dsnProblem explains what is wrong with a DSN for its kind, or returns "".
func dsnProblem(kind SourceKind, dsn string) string {
	switch {
	case dsn == "":
		return "Enter the connection."
	case len(dsn) > 2000:
		return "Use at most 2000 characters."
	case hasControl(dsn):
		return "Remove the control characters (tabs, line breaks)."
	}
	switch kind {
	case KindPostgres, KindMySQL:
		u, err := url.Parse(dsn)
		want := map[SourceKind][]string{KindPostgres: {"postgres", "postgresql"}, KindMySQL: {"mysql"}}[kind]
		if err != nil && strings.Contains(err.Error(), "invalid port") {
			return "The port must be a number from 1 to 65535."
		}
		if err != nil || !StringList(want).Contains(u.Scheme) {
			return fmt.Sprintf("Write it as a URL: %s://user:password@host:port/database.", want[0])
		}
		if u.Hostname() == "" {
			return "Name the host."
		}
		if p := u.Port(); p != "" {
			var n int
			if _, err := fmt.Sscanf(p, "%d", &n); err != nil || n < 1 || n > 65535 {
				return "The port must be a number from 1 to 65535."
			}
		}
		if kind == KindPostgres && strings.Trim(u.Path, "/") == "" {
			return "Name the database, e.g. postgres://user@host:5432/sales."
		}
		if u.User == nil || u.User.Username() == "" {
			return "Name the user the crawler connects as."
		}
	case KindSQLite, KindFiles:
		if !filepath.IsAbs(dsn) {
			return "Give an absolute path, e.g. /data/sales.db or /data/exports."
		}
	}
	return ""
}

func validatePatterns(errs FieldErrors, field string, patterns []string) {
	if len(patterns) > 100 {
		errs.Add(field, "At most 100 patterns.")
		return
	}
	for _, p := range patterns {
		if _, err := path.Match(p, ""); err != nil || len(p) > 300 {
			errs.Add(field, "\u201c"+truncate(p, 60)+"\u201d is not a valid pattern (use * and ?, e.g. sales.* or exports/*.csv).")
			return
		}
	}
}

// scheduleParser accepts five-field cron expressions and descriptors
// (@daily, @weekly). Schedules are whole minutes: runs are claimed per
// minute across replicas.
var scheduleParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// ParseSchedule parses a schedule in loc, or explains what is wrong.
func ParseSchedule(spec string, loc *time.Location) (cron.Schedule, string) {
	if spec == "" {
		return nil, "Enter a schedule, e.g. 0 2 * * * (every day at 02:00) or @daily."
	}
	if len(spec) > 100 {
		return nil, "Use at most 100 characters."
	}
	// @every counts from each process's start: replicas would fire in
	// different minutes and every restart would reset the countdown.
	if strings.HasPrefix(spec, "@every") {
		return nil, "@every counts from each start of the portal, so it cannot run once across replicas; use a cron expression (e.g. 0 */6 * * * for every six hours) or @hourly, @daily, @weekly."
	}
	if strings.HasPrefix(spec, "TZ=") || strings.HasPrefix(spec, "CRON_TZ=") {
		return nil, "Set the time zone in its own field."
	}
	sched, err := scheduleParser.Parse("CRON_TZ=" + loc.String() + " " + spec)
	if err != nil {
		return nil, "Not a schedule: " + strings.TrimPrefix(err.Error(), "failed to parse int from ") + ". Use five fields (minute hour day month weekday) such as 0 2 * * *, or @hourly, @daily, @weekly."
	}
	first := sched.Next(time.Now())
	if second := sched.Next(first); !first.IsZero() && !second.IsZero() && second.Sub(first) < 5*time.Minute {
		return nil, "Crawl at most every 5 minutes."
	}
	if first.IsZero() {
		return nil, "This schedule never runs."
	}
	return sched, ""
}

// FreshnessColumnMap turns "schema.table=column" entries into a map.
func (s *Source) FreshnessColumnMap() map[string]string {
	m := map[string]string{}
	for _, fc := range s.FreshnessColumns {
		if asset, col, ok := strings.Cut(fc, "="); ok {
			m[strings.TrimSpace(asset)] = strings.TrimSpace(col)
		}
	}
	return m
}

// DSNHint shows where a source points without any secret: scheme, user,
// host, port and database of a URL (no password, no query), or the path.
func DSNHint(kind SourceKind, dsn string) string {
	if kind == KindSQLite || kind == KindFiles {
		return truncate(dsn, 490)
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return string(kind) + " (unreadable URL)"
	}
	hint := url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}
	if u.User != nil && u.User.Username() != "" {
		hint.User = url.User(u.User.Username())
	}
	return truncate(hint.String(), 490)
}

// NextRuns lists the schedule's next n runs after from, in its time zone.
func NextRuns(spec, timeZone string, from time.Time, n int) []time.Time {
	loc, err := time.LoadLocation(timeZone)
	if err != nil {
		return nil
	}
	sched, msg := ParseSchedule(spec, loc)
	if msg != "" {
		return nil
	}
	var out []time.Time
	t := from
	for range n {
		t = sched.Next(t)
		if t.IsZero() {
			break
		}
		out = append(out, t.In(loc))
	}
	return out
}
