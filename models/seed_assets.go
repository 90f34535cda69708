package models

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"gorm.io/gorm"
)

// SeedAssetsResult says what SeedAssets wrote.
type SeedAssetsResult struct {
	Sources, Assets, Ports int
	// Findings is how many findings the evaluation opened; Totals are the
	// portal's open findings afterwards.
	Findings int
	Totals   FindingTotals
}

// seededAsset is what linking ports and writing rows need of a generated
// asset.
type seededAsset struct {
	Asset
	usage int // seedRecent, seedEarlier, seedUnread, seedUnknown
	owned bool
}

const (
	seedRecent  = iota // read in the last week
	seedEarlier        // last read 8 to 89 days ago
	seedUnread         // not read for over 90 days, or never
	seedUnknown        // the source counts no reads for it
)

// SeedAssets adds, for load tests of the findings, nSources PostgreSQL
// sources spread over the existing domains and nAssets assets spread over
// them, as if crawled: sizes from kilobytes to hundreds of gigabytes, reads
// known for most (some read this week, some not for over 90 days), a few
// with usage unknown, views, partitioned tables with their partitions and
// some dropped tables. Each product without ports gets, nine times out of
// ten, one port on an asset, and its health is refreshed. The sources are
// disabled and point at a loopback port where nothing listens, so nothing
// ever crawls them. Then every finding is evaluated and 90 days of health
// totals are written for the trend charts (the earlier days made up from
// today's). Rows go in as bulk writes without audit entries; the random
// seed is fixed, so a seed of the same empty database is repeatable.
func (s *Store) SeedAssets(ctx context.Context, nSources, nAssets int) (SeedAssetsResult, error) {
	var res SeedAssetsResult
	if nSources < 1 || nAssets < 0 {
		return res, Errorf(EINVALID, "Seed at least one source and zero or more assets.")
	}
	if s.sources.sealer == nil {
		return res, Errorf(EUNAVAILABLE, "Sources cannot be seeded: the portal has no secret key to encrypt their connections.")
	}
	rng := rand.New(rand.NewPCG(3, 4)) // fixed seed: repeatable benchmarks
	now := s.now().UTC()
	err := s.writeCatalog(ctx, func(tx *gorm.DB) error {
		var domains []Domain
		if err := tx.Select("id", "slug").Order("id").Find(&domains).Error; err != nil {
			return err
		}
		if len(domains) == 0 {
			return Errorf(EINVALID, "Seed domains first: sources belong to a domain.")
		}
		sources, crawled, err := s.seedSources(tx, domains, nSources, now, rng)
		if err != nil {
			return err
		}
		res.Sources = len(sources)
		if err := touchFindings(tx); err != nil { // the findings filter lists sources
			return err
		}
		var products []uint // those without ports
		err = tx.Table("products p").Where("NOT EXISTS (SELECT 1 FROM output_ports op WHERE op.product_id = p.id)").
			Order("p.id").Pluck("p.id", &products).Error
		if err != nil {
			return err
		}
		assets := generateAssets(sources, crawled, nAssets, now, rng)
		ports := linkPorts(assets, len(products), rng)
		for i := range assets {
			fillReads(&assets[i], now, rng)
		}
		if err := writeSeededAssets(ctx, tx, assets); err != nil {
			return err
		}
		res.Assets = len(assets)
		rows := make([][]any, 0, len(ports))
		linked := make([]uint, 0, len(ports))
		for i, a := range ports {
			if a == nil {
				continue
			}
			typ := "table"
			if a.Kind == string(AssetMaterializedView) {
				typ = "view"
			}
			rows = append(rows, []any{products[i], 0, "main", typ, a.Key, a.SourceID})
			linked = append(linked, products[i])
		}
		w := newBulkWriter(tx, "output_ports", []string{"product_id", "position", "name", "type", "location", "source_id"}, "")
		if err := w.write(ctx, tx, rows); err != nil {
			return err
		}
		res.Ports = len(rows)
		for start := 0; start < len(linked); start += 500 {
			if _, err := refreshHealth(tx, linked[start:min(start+500, len(linked))], now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return res, internal("seed assets", err)
	}
	if res.Findings, err = s.EvaluateFindings(ctx); err != nil {
		return res, err
	}
	if err := s.seedHealthHistory(ctx, now, rng); err != nil {
		return res, err
	}
	t, err := s.FindingTotalsOf(ctx, 0)
	res.Totals = t
	return res, err
}

// seedSources registers nSources disabled PostgreSQL sources round the
// domains, each with a sealed DSN and one finished crawl, and returns them
// with the time of that crawl.
func (s *Store) seedSources(tx *gorm.DB, domains []Domain, nSources int, now time.Time, rng *rand.Rand) ([]Source, []time.Time, error) {
	var existing int64
	if err := tx.Model(&Source{}).Count(&existing).Error; err != nil {
		return nil, nil, err
	}
	sources := make([]Source, nSources)
	crawled := make([]time.Time, nSources)
	for i := range sources {
		n := int(existing) + i + 1
		d := domains[i%len(domains)]
		// Port 1 on loopback: nothing listens there, and the source is
		// disabled, so no crawl ever tries.
		dsn := fmt.Sprintf("postgres://crawler@127.0.0.1:1/warehouse_%d?sslmode=disable", n)
		src := &sources[i]
		src.DomainID = d.ID
		src.apply(SourceInput{Slug: fmt.Sprintf("seeded-warehouse-%d", n), Name: fmt.Sprintf("Seeded warehouse %d", n),
			Kind: string(KindPostgres), DSN: dsn, Schedule: "0 2 * * *", TimeZone: "UTC", Enabled: new(bool)})
		src.DSNSealed = "pending" // sealed below, bound to the new row's id
		if err := tx.Omit("Domain").Create(src).Error; err != nil {
			return nil, nil, err
		}
		// GORM leaves out a false Enabled on insert (the column defaults
		// to true), so it is written here with the sealed DSN.
		src.DSNSealed = s.sources.sealer.Seal(dsn, sourceAAD(src.ID))
		if err := tx.Model(src).Updates(map[string]any{"dsn_sealed": src.DSNSealed, "enabled": false}).Error; err != nil {
			return nil, nil, err
		}
		// Each source was last crawled within the last 20 hours.
		at := now.Add(-time.Duration(1+rng.IntN(20*60)) * time.Minute)
		finished := at.Add(time.Duration(5+rng.IntN(90)) * time.Second)
		run := CrawlRun{SourceID: src.ID, Trigger: TriggerSchedule, StartedAt: at, FinishedAt: &finished,
			HeartbeatAt: finished, Status: RunSucceeded, Actor: "seed"}
		if err := tx.Omit("Source").Create(&run).Error; err != nil {
			return nil, nil, err
		}
		crawled[i] = finished
	}
	return sources, crawled, nil
}

var seedSchemas = []string{"raw", "staging", "analytics", "mart", "archive", "sandbox", "export", "tmp"}

var seedWords = []string{"orders", "payments", "customers", "shipments", "invoices", "returns", "stock", "clicks",
	"sessions", "campaigns", "refunds", "reviews", "carts", "prices", "suppliers", "contracts", "tickets", "leads",
	"churn", "forecasts", "events", "ledger", "inventory", "audit"}

// generateAssets spreads nAssets assets over the sources.
func generateAssets(sources []Source, crawls []time.Time, nAssets int, now time.Time, rng *rand.Rand) []seededAsset {
	columns := columnsJSON([]Column{{Name: "id", Type: "bigint"}, {Name: "created_at", Type: "timestamp with time zone"},
		{Name: "payload", Type: "jsonb"}})
	day := 24 * time.Hour
	between := func(from, to time.Duration) time.Duration { return from + time.Duration(rng.Int64N(int64(to-from)+1)) }
	// Sizes: log-normal from 10 KB to 500 GB with a median of 5 MB; about
	// 6 % over 1 GB, 1 % over 10 GB, 0.2 % over 100 GB.
	size := func() int64 { return int64(math.Pow(10, min(max(6.7+1.5*rng.NormFloat64(), 4), 11.7))) }
	out := make([]seededAsset, 0, nAssets)
	for si := range sources {
		src := &sources[si]
		crawled := crawls[si]
		want := nAssets / len(sources)
		if si < nAssets%len(sources) {
			want++
		}
		seq := 0
		add := func(schema, name string, kind AssetKind, parent string) *seededAsset {
			out = append(out, seededAsset{Asset: Asset{SourceID: src.ID, Key: schema + "." + name, Schema: schema, Name: name,
				Kind: string(kind), Parent: parent, Columns: columns, LastSeenAt: crawled, ReadsDaily: "{}"}})
			return &out[len(out)-1]
		}
		for made := 0; made < want; {
			seq++
			schema := seedSchemas[rng.IntN(len(seedSchemas))]
			name := fmt.Sprintf("%s_%d", seedWords[rng.IntN(len(seedWords))], seq)
			r := rng.Float64()
			firstSeen := now.Add(-between(day, 420*day))
			switch {
			case r < 0.008 && want-made >= 13: // a partitioned table and 12 monthly partitions
				parent := add(schema, name, AssetPartitionedTable, "")
				parent.SizeBytes, parent.FirstSeenAt = new(int64), firstSeen
				base := size() / 4
				for m := range 12 {
					p := add(schema, fmt.Sprintf("%s_p%02d", name, m+1), AssetPartition, schema+"."+name)
					p.SizeBytes = ptr(base/2 + rng.Int64N(base+1))
					p.FirstSeenAt = firstSeen.Add(time.Duration(m) * 30 * day)
					if p.FirstSeenAt.After(crawled) {
						p.FirstSeenAt = crawled.Add(-day)
					}
				}
				made += 13
				continue
			case r < 0.08:
				a := add(schema, name+"_v", AssetView, "")
				a.FirstSeenAt = firstSeen
			case r < 0.10:
				a := add(schema, name+"_mv", AssetMaterializedView, "")
				a.SizeBytes, a.FirstSeenAt = ptr(size()), firstSeen
			default:
				a := add(schema, name, AssetTable, "")
				a.SizeBytes, a.FirstSeenAt = ptr(size()), firstSeen
			}
			made++
		}
	}
	for i := range out {
		a := &out[i]
		if a.SizeBytes != nil {
			a.RowEstimate = ptr(*a.SizeBytes / 120)
		}
		crawled := a.LastSeenAt
		age := now.Sub(a.FirstSeenAt)
		if a.Kind == string(AssetTable) && rng.IntN(100) == 0 && age > 3*day { // dropped since
			gone := now.Add(-between(day, min(30*day, age-day)))
			a.GoneAt, a.LastSeenAt = &gone, gone.Add(-day)
			crawled = a.LastSeenAt
		}
		if a.Kind != string(AssetView) {
			var changed time.Time
			switch r := rng.Float64(); {
			case r < 0.70:
				changed = crawled.Add(-between(0, 20*time.Hour))
			case r < 0.90:
				changed = now.Add(-between(day, 30*day))
			default:
				changed = now.Add(-between(30*day, 420*day))
			}
			if changed.Before(a.FirstSeenAt) {
				changed = a.FirstSeenAt
			}
			a.LastChangeAt, a.LastChangeHow = timePtr(changed), MeasuredCounters
		}
		switch r := rng.Float64(); {
		case r < 0.08:
			a.usage = seedUnknown
		case r < 0.55:
			a.usage = seedRecent
		case r < 0.75:
			a.usage = seedEarlier
		default:
			a.usage = seedUnread
		}
	}
	return out
}

// linkPorts picks an asset for the port of each of n products (nil: the
// product gets none): nine products in ten get one, mostly on assets that
// are read.
func linkPorts(assets []seededAsset, n int, rng *rand.Rand) []*seededAsset {
	var read, other []*seededAsset
	for i := range assets {
		a := &assets[i]
		if a.GoneAt != nil || a.Kind == string(AssetView) || a.Kind == string(AssetPartition) {
			continue
		}
		if a.usage == seedRecent || a.usage == seedEarlier {
			read = append(read, a)
		} else {
			other = append(other, a)
		}
	}
	rng.Shuffle(len(read), func(i, j int) { read[i], read[j] = read[j], read[i] })
	rng.Shuffle(len(other), func(i, j int) { other[i], other[j] = other[j], other[i] })
	pop := func(pool *[]*seededAsset) *seededAsset {
		if len(*pool) == 0 {
			return nil
		}
		a := (*pool)[len(*pool)-1]
		*pool = (*pool)[:len(*pool)-1]
		return a
	}
	out := make([]*seededAsset, n)
	for i := range out {
		if rng.IntN(10) == 0 {
			continue
		}
		pool, second := &read, &other
		if rng.IntN(5) == 0 {
			pool, second = &other, &read
		}
		a := pop(pool)
		if a == nil {
			a = pop(second)
		}
		if a == nil {
			break // more products than assets
		}
		a.owned = true
		out[i] = a
	}
	return out
}

// fillReads sets an asset's read figures for its usage class. Reads are
// counted since the asset was first seen; owned assets get a count for
// every day of the last 60 (their products' charts show them), others one
// every fifth day.
func fillReads(a *seededAsset, now time.Time, rng *rand.Rand) {
	if a.usage == seedUnknown {
		return
	}
	day := 24 * time.Hour
	a.UsageKnown, a.UsageSince = true, timePtr(a.FirstSeenAt)
	age := now.Sub(a.FirstSeenAt)
	var last *time.Time
	daily := map[string]int64{}
	switch a.usage {
	case seedRecent:
		t := a.LastSeenAt.Add(-time.Duration(rng.Int64N(int64(7 * day))))
		if t.Before(a.FirstSeenAt) {
			t = a.LastSeenAt
		}
		last = &t
		rate := math.Pow(10, -1+4.5*rng.Float64()) // 0.1 to 3,000 reads a day
		step := 5
		if a.owned {
			step = 1
		}
		for d := 0; d < readsDays; d += step {
			at := t.Add(-time.Duration(d) * day)
			if at.Before(a.FirstSeenAt) {
				break
			}
			if n := int64(rate * float64(step) * (0.5 + rng.Float64())); n > 0 || d == 0 {
				daily[at.UTC().Format(time.DateOnly)] = max(n, 1)
			}
		}
	case seedEarlier:
		t := now.Add(-time.Duration(8*int64(day) + rng.Int64N(int64(81*day))))
		if t.Before(a.FirstSeenAt) {
			t = a.FirstSeenAt.Add(time.Hour)
		}
		last = &t
		if now.Sub(t) < readsDays*day {
			daily[t.UTC().Format(time.DateOnly)] = 1 + rng.Int64N(20)
		}
	case seedUnread:
		if age > 91*day && rng.IntN(2) == 0 {
			t := now.Add(-time.Duration(91*int64(day) + rng.Int64N(int64(age-91*day))))
			last = &t
		}
	}
	if last != nil {
		a.LastReadAt, a.LastReadHow = timePtr(*last), MeasuredReadCounters
	}
	if len(daily) > 0 {
		b, _ := json.Marshal(daily)
		a.ReadsDaily = string(b)
	}
	// Reads per day as addReads derives them: the last 30 days over the
	// time counted, at most 30 days, at least one.
	from := now.UTC().AddDate(0, 0, -29).Format(time.DateOnly)
	var total int64
	for d, n := range daily {
		if d >= from {
			total += n
		}
	}
	days := max(min(age.Hours()/24, 30), 1)
	rate := float64(total) / days
	a.ReadsPerDay = &rate
}

// writeSeededAssets inserts the assets 40 rows of placeholders per
// statement. For rows this wide that is about twice as fast on SQLite as
// bulkWriter's JSON batches (json_each renders each row's object again for
// every column extracted), and no slower on PostgreSQL.
func writeSeededAssets(ctx context.Context, tx *gorm.DB, assets []seededAsset) error {
	cols := assetColumns[1:] // all but id: the database numbers them
	const batch = 40
	quoted := make([]string, len(cols))
	for i, c := range cols {
		quoted[i] = `"` + c + `"`
	}
	tuple := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	for start := 0; start < len(assets); start += batch {
		part := assets[start:min(start+batch, len(assets))]
		args := make([]any, 0, len(part)*len(cols))
		tuples := make([]string, len(part))
		for i := range part {
			a := &part[i].Asset
			tuples[i] = tuple
			args = append(args, a.SourceID, a.Key, a.Schema, a.Name, a.Kind, a.Parent, a.Columns, a.FirstSeenAt, a.LastSeenAt,
				a.GoneAt, a.SizeBytes, a.RowEstimate, a.FileCount, a.LastChangeAt, a.LastChangeHow, a.UsageKnown, a.ReadsPerDay,
				a.LastReadAt, a.LastReadHow, a.CountersEpoch, a.Writes, a.ReadCount, a.ReadsDaily, a.UsageSince)
		}
		q := "INSERT INTO assets (" + strings.Join(quoted, ", ") + ") VALUES " + strings.Join(tuples, ", ")
		if err := tx.WithContext(ctx).Exec(q, args...).Error; err != nil {
			return err
		}
	}
	return nil
}

// seedHealthHistory writes today's health totals and makes up the 89 days
// before from them: dark data grew by about a third over the quarter, the
// rest wanders a little.
func (s *Store) seedHealthHistory(ctx context.Context, now time.Time, rng *rand.Rand) error {
	if err := s.RecordHealthDay(ctx); err != nil {
		return err
	}
	var today []HealthDay
	if err := s.db.WithContext(ctx).Where("day = ?", now.Format(time.DateOnly)).Find(&today).Error; err != nil {
		return internal("seed health history", err)
	}
	rows := make([][]any, 0, 89*len(today))
	for back := 89; back >= 1; back-- {
		day := now.AddDate(0, 0, -back).Format(time.DateOnly)
		growth := 1 - 0.33*float64(back)/89
		for _, t := range today {
			wobble := func(v float64) float64 { return v * growth * (0.97 + 0.06*rng.Float64()) }
			share := 0.8 + 0.4*rng.Float64()
			rows = append(rows, []any{day, t.DomainID, t.Products, int(float64(t.Stale) * share), int(float64(t.Unused) * share),
				int(wobble(float64(t.DarkAssets))), int64(wobble(float64(t.DarkBytes))), wobble(t.DarkCost),
				int(wobble(float64(t.UnknownAssets))), int64(wobble(float64(t.UnknownBytes)))})
		}
	}
	db := s.db.WithContext(ctx)
	w := newBulkWriter(db, "health_days", healthDayColumns, "ON CONFLICT (day, domain_id) DO UPDATE SET "+excludedUpdates(healthDayColumns))
	return internal("seed health history", w.write(ctx, db, rows))
}

func ptr[T any](v T) *T { return &v }
